// /surveys: GET /api/reports/surveys, NPS per survey and question and ratings (count, average stars), for all
// answers or broken down by class, channel or RFM segment (`by` in the URL); the average rating over time as a line
// with its table.
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { bucketLabel } from '../SeriesChart'
import type { ViewProps } from '../registry'
import { Answer, Chart, formatDecimal, useAnswer } from './common'
import { SURVEY_BREAKDOWNS, viewUrl } from './logic'
import type { SurveysAnswer } from './types'

const valueName = (by: string, v: string) => (by === 'rfm_segment' ? t(('rfm_' + v) as Key) ?? v : v === '' ? t('crm_allAnswers') : v)

export function Surveys({ site, state }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const raw = new URLSearchParams(loc.search).get('by') ?? 'all'
  const by = (SURVEY_BREAKDOWNS as readonly string[]).includes(raw) ? raw : 'all'
  const loaded = useAnswer<SurveysAnswer>('/api/reports/surveys?' + reportQuery(state))
  return (
    <div class="crm">
      <h1>
        {t('crm_surveys')} <small>{site.name}</small>
      </h1>
      <form class="card crm-search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>{t('crm_breakdown')}</span>
          <select name="by" value={by} onChange={(e) => navigate(viewUrl('/surveys', state, { by: (e.target as HTMLSelectElement).value === 'all' ? undefined : (e.target as HTMLSelectElement).value }))}>
            {SURVEY_BREAKDOWNS.map((b) => <option key={b} value={b}>{t(('crm_by_' + (b === 'all' ? 'none' : b)) as Key)}</option>)}
          </select>
        </label>
      </form>
      <Answer loaded={loaded}>
        {(a) => {
          const nps = a.nps.filter((r) => r.by === by)
          const ratings = a.ratings.filter((r) => r.by === by)
          const series = a.rating_series.filter((r) => r.by === 'all')
          const empty = a.nps.length === 0 && a.ratings.every((r) => r.ratings === 0)
          return (
            <>
              <p class="range-text">
                {formatDate(a.from, a.time_zone)} – {formatDate(new Date(Date.parse(a.to) - 1).toISOString(), a.time_zone)}
              </p>
              {empty ? (
                <p class="empty">{t('crm_noAnswers')}</p>
              ) : (
                <>
                  <section class="card" aria-labelledby="nps-title">
                    <h2 id="nps-title">NPS</h2>
                    {nps.length === 0 ? (
                      <p>{t('crm_none')}</p>
                    ) : (
                      <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                        <table data-dimension="nps">
                          <thead>
                            <tr>
                              <th scope="col">{t('crm_survey')}</th>
                              <th scope="col">{t('crm_question')}</th>
                              {by !== 'all' && <th scope="col">{t(('crm_by_' + by) as Key)}</th>}
                              <th scope="col" class="num">{t('crm_answers')}</th>
                              <th scope="col" class="num">{t('crm_promoters')}</th>
                              <th scope="col" class="num">{t('crm_passives')}</th>
                              <th scope="col" class="num">{t('crm_detractors')}</th>
                              <th scope="col" class="num">NPS</th>
                            </tr>
                          </thead>
                          <tbody>
                            {nps.map((r) => (
                              <tr key={r.survey + '/' + r.question + '/' + r.value} data-survey={r.survey} data-question={r.question} data-value-of={r.value}>
                                <th scope="row">{r.survey}</th>
                                <td>{r.question}</td>
                                {by !== 'all' && <td>{valueName(by, r.value)}</td>}
                                <td class="num" data-col="answers" data-value={String(r.answers)}>{formatNumber(r.answers)}</td>
                                <td class="num">{formatNumber(r.promoters)}</td>
                                <td class="num">{formatNumber(r.passives)}</td>
                                <td class="num">{formatNumber(r.detractors)}</td>
                                <td class="num" data-col="nps" data-value={String(r.nps)}>{formatDecimal(r.nps, 1)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    )}
                  </section>
                  <section class="card" aria-labelledby="ratings-title">
                    <h2 id="ratings-title">{t('crm_ratings')}</h2>
                    <table data-dimension="ratings">
                      <thead>
                        <tr>
                          <th scope="col">{by === 'all' ? t('crm_allAnswers') : t(('crm_by_' + by) as Key)}</th>
                          <th scope="col" class="num">{t('crm_ratingsCount')}</th>
                          <th scope="col" class="num">{t('crm_averageStars')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {ratings.map((r) => (
                          <tr key={r.value} data-value-of={r.value}>
                            <th scope="row">{valueName(by, r.value)}</th>
                            <td class="num" data-col="ratings" data-value={String(r.ratings)}>{formatNumber(r.ratings)}</td>
                            <td class="num" data-col="average_stars" data-value={String(r.average_stars ?? '')}>{r.average_stars == null ? '–' : formatDecimal(r.average_stars)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                  {series.length > 0 && (
                    <section class="card chart" aria-labelledby="rating-series">
                      <h2 id="rating-series">{t('crm_ratingOverTime')}</h2>
                      <Chart
                        title={t('crm_ratingOverTime')}
                        spec={{
                          kind: 'line',
                          labels: series.map((p) => bucketLabel(p.t, a.interval, a.time_zone)),
                          series: [{ name: t('crm_averageStars'), values: series.map((p) => p.average_stars) }],
                          min: 1,
                          max: 5,
                        }}
                        table={
                          <table class="series-table">
                            <thead>
                              <tr>
                                <th scope="col">{t('time')}</th>
                                <th scope="col" class="num">{t('crm_ratingsCount')}</th>
                                <th scope="col" class="num">{t('crm_averageStars')}</th>
                              </tr>
                            </thead>
                            <tbody>
                              {series.map((p) => (
                                <tr key={p.t}>
                                  <th scope="row">{bucketLabel(p.t, a.interval, a.time_zone)}</th>
                                  <td class="num">{formatNumber(p.ratings)}</td>
                                  <td class="num">{p.average_stars == null ? '–' : formatDecimal(p.average_stars)}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        }
                      />
                    </section>
                  )}
                </>
              )}
            </>
          )
        }}
      </Answer>
    </div>
  )
}
