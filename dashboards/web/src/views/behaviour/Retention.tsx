import { formatDate, formatNumber, formatPercent, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { Problem } from '../Problem'
import { Scroll } from './Scroll'
import type { ViewProps } from '../registry'
import { choice, COHORTS, PERIODS, viewUrl, type CohortKind, type Period } from './params'
import type { Retention as RetentionData } from './types'
import { useReport } from './useReport'

/**
 * The shade of a cohort cell for a rate (0..1): five steps of blue, each with a text colour that keeps a contrast
 * of at least 4.5:1 (dark text on the light steps, white on the dark ones).
 */
export function shade(rate: number): { background: string; color: string; step: number } {
  const steps = [
    { background: '#ffffff', color: '#1b1f24' },
    { background: '#e3ecfa', color: '#1b1f24' },
    { background: '#bfd3f2', color: '#1b1f24' },
    { background: '#8fb2e6', color: '#1b1f24' },
    { background: '#2f67b8', color: '#ffffff' },
    { background: '#1f4f99', color: '#ffffff' },
  ]
  const step = rate <= 0 ? 0 : rate < 0.2 ? 1 : rate < 0.4 ? 2 : rate < 0.6 ? 3 : rate < 0.8 ? 4 : 5
  return { ...steps[step], step }
}

/**
 * Retention as a cohort grid: a row per cohort (persons by their first visit, or first purchase, per week or month),
 * a column per period after it, each cell the share returning (shaded) with the count. Switches in the URL.
 */
export function Retention({ site, path, state }: ViewProps) {
  useSignal(lang)
  const search = useSignal(route).search
  const cohort = choice(search, 'cohort', COHORTS)
  const period = choice(search, 'period', PERIODS)
  const { data, error, retry } = useReport<RetentionData>('/api/reports/retention?' + reportQuery(state, { cohort, period }))
  const set = (next: { cohort?: CohortKind; period?: Period }) =>
    navigate(viewUrl(path, state, { cohort, period, ...next }, { cohort: COHORTS[0], period: PERIODS[0] }), { replace: true })
  const width = data ? Math.max(0, ...data.cohorts.map((c) => c.returning.length)) : 0
  const periodWord = t(period === 'week' ? 'weekN' : 'monthN')

  return (
    <div class="behaviour retention">
      <h1>
        {t('retention')} <small>{site.name}</small>
      </h1>
      <p class="intro">{t('retentionIntro')}</p>
      <div class="switches">
        <label>
          <span>{t('cohortBy')}</span>
          <select value={cohort} onChange={(e) => set({ cohort: (e.target as HTMLSelectElement).value as CohortKind })}>
            {COHORTS.map((c) => (
              <option key={c} value={c}>{t(('cohort_' + c) as Key)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('period')}</span>
          <select value={period} onChange={(e) => set({ period: (e.target as HTMLSelectElement).value as Period })}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>{t(('period_' + p) as Key)}</option>
            ))}
          </select>
        </label>
      </div>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.cohorts.length === 0 ? (
        <p class="empty card">{t(cohort === 'first_purchase' ? 'retentionEmptyPurchase' : 'retentionEmpty')}</p>
      ) : (
        <section class="card" aria-labelledby="grid-title">
          <h2 id="grid-title">{t('cohortGrid')}</h2>
          <p class="hint">{t(cohort === 'first_purchase' ? 'retentionHintPurchase' : 'retentionHint')}</p>
          <Scroll label={t('cohortGrid')}>
            <table class="cohorts" data-cohort={data.cohort} data-period={data.period}>
              <caption class="visually-hidden">{`${t('cohortGrid')}: ${t(('cohort_' + data.cohort) as Key)}, ${t(('period_' + data.period) as Key)}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cohort')}</th>
                  <th scope="col" class="num">{t('persons')}</th>
                  {Array.from({ length: width }, (_, k) => (
                    <th key={k} scope="col" class="num">{`${periodWord} ${k}`}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.cohorts.map((c) => (
                  <tr key={c.start} data-start={c.start}>
                    <th scope="row">{formatDate(c.start, data.time_zone)}</th>
                    <td class="num" data-key="persons" data-value={String(c.persons)}>{formatNumber(c.persons)}</td>
                    {Array.from({ length: width }, (_, k) => {
                      if (k >= c.rates.length) return <td key={k} class="none" />
                      const s = shade(c.rates[k])
                      return (
                        <td key={k} class="num cell" style={{ background: s.background, color: s.color }} data-period={k}
                          data-value={String(c.rates[k])} data-returning={String(c.returning[k])}
                          title={`${formatNumber(c.returning[k])} / ${formatNumber(c.persons)}`}>
                          {formatPercent(c.rates[k])}
                          <small>{formatNumber(c.returning[k])}</small>
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </section>
      )}
    </div>
  )
}
