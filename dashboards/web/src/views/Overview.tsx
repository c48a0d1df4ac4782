import { useEffect, useState } from 'preact/hooks'
import { api, type Breakdown, type Overview as OverviewData, type Site, type Totals } from '../api'
import { formatDate, formatDuration, formatNumber, formatPercent, lang, t, type Key } from '../i18n'
import { useSignal } from '../signal'
import { addFilter, reportQuery, type ViewState } from '../state'
import { Problem } from './Problem'
import { SeriesChart } from './SeriesChart'

const KPIS = ['visitors', 'sessions', 'pageviews', 'bounce_rate', 'avg_session_seconds'] as const
type Kpi = (typeof KPIS)[number]
/** The breakdowns of the overview; the filterable ones narrow the view on a click (session_source is not a filter yet). */
const TABLES = [
  { dimension: 'page', filter: 'page' },
  { dimension: 'session_source', filter: null },
  { dimension: 'country', filter: 'country' },
  { dimension: 'device', filter: 'device' },
  { dimension: 'browser', filter: 'browser' },
] as const

export const formatKpi = (kpi: Kpi, value: number) =>
  kpi === 'bounce_rate' ? formatPercent(value) : kpi === 'avg_session_seconds' ? formatDuration(value) : formatNumber(value)

/** The change against the previous period, as a share (null when there was nothing before). */
export const change = (now: number, before: number) => (before === 0 ? null : (now - before) / before)

export interface OverviewAnswer {
  overview: OverviewData
  previousSeries: OverviewData | null
  breakdowns: Breakdown[]
}

/** The overview: KPIs against the previous period, the series with the previous period's, and five top lists. */
export function Overview({ site, state, onChange }: { site: Site; state: ViewState; onChange: (s: ViewState) => void }) {
  useSignal(lang)
  const [data, setData] = useState<OverviewAnswer | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  const query = reportQuery(state)

  useEffect(() => {
    const abort = new AbortController()
    setData(null)
    setError(null)
    ;(async () => {
      const overview = api.get<OverviewData>('/api/reports/overview?' + query, abort.signal)
      const breakdowns = Promise.all(
        TABLES.map((b) => api.get<Breakdown>('/api/reports/breakdown?' + reportQuery(state, { dimension: b.dimension, limit: '10' }), abort.signal)),
      )
      const o = await overview
      // The previous period's series: the same report over the resolved previous range, in the same buckets.
      const previous = api
        .get<OverviewData>(
          '/api/reports/overview?' +
            reportQuery({ ...state, from: undefined, to: undefined }, { from: o.previous.from, to: o.previous.to, interval: o.interval }),
          abort.signal,
        )
        .catch(() => null) // the comparison line is a bonus: without it the chart still shows this period
      setData({ overview: o, previousSeries: await previous, breakdowns: await breakdowns })
    })().catch((e) => abort.signal.aborted || setError(e))
    return () => abort.abort()
  }, [query, attempt])

  if (error != null) return <Problem error={error} onRetry={() => setAttempt(attempt + 1)} />
  if (!data) return <p class="loading" aria-busy="true" role="status">{t('loading')}</p>

  const o = data.overview
  const empty = o.visitors === 0 && o.pageviews === 0 && o.sessions === 0
  return (
    <div class="overview">
      <h1>
        {t('overview')} <small>{site.name}</small>
      </h1>
      <p class="range-text">
        {formatDate(o.from, o.time_zone)} – {formatDate(new Date(Date.parse(o.to) - 1).toISOString(), o.time_zone)} ({o.time_zone})
      </p>
      <Kpis now={o} before={o.previous} />
      {empty ? (
        state.filters.length ? <p class="empty">{t('emptyFiltered')}</p> : <EmptySite site={site} />
      ) : (
        <>
          <SeriesChart current={o} previous={data.previousSeries} />
          <div class="tables">
            {TABLES.map((b, i) => (
              <TopTable key={b.dimension} title={t(`top_${b.dimension}` as Key)} data={data.breakdowns[i]}
                onPick={b.filter ? (value) => onChange(addFilter(state, { dimension: b.filter!, operator: 'is', value: value === '(none)' ? '' : value })) : undefined} />
            ))}
          </div>
        </>
      )}
    </div>
  )
}

function Kpis({ now, before }: { now: Totals; before: Totals }) {
  return (
    <dl class="kpis">
      {KPIS.map((k) => {
        const c = change(now[k], before[k])
        // A lower bounce rate is the better one.
        const good = c === null || c === 0 ? '' : (c > 0) !== (k === 'bounce_rate') ? 'up' : 'down'
        return (
          <div key={k} class="kpi">
            <dt>{t(k)}</dt>
            <dd data-kpi={k} data-value={String(now[k])}>
              {formatKpi(k, now[k])}
            </dd>
            <dd class={`delta ${good}`} title={`${t('previousPeriod')}: ${formatKpi(k, before[k])}`}>
              {c === null ? '–' : (c > 0 ? '+' : '') + formatPercent(c)} <span class="visually-hidden">{t('vsPrevious')}</span>
            </dd>
          </div>
        )
      })}
    </dl>
  )
}

function TopTable({ title, data, onPick }: { title: string; data: Breakdown; onPick?: (value: string) => void }) {
  const id = 'top-' + data.dimension
  return (
    <section class="card top-table" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {data.rows.length === 0 ? (
        <p>{t('noRows')}</p>
      ) : (
        <table data-dimension={data.dimension}>
          <thead>
            <tr>
              <th scope="col">{t('value')}</th>
              <th scope="col" class="num">{t('visitors')}</th>
              <th scope="col" class="num">{t('pageviews')}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.value}>
                <th scope="row">
                  {onPick && r.value !== '(other)' ? (
                    <button type="button" class="link" title={`${t('filterBy')} ${r.value}`} onClick={() => onPick(r.value)}>
                      {r.value}
                    </button>
                  ) : (
                    r.value
                  )}
                </th>
                <td class="num">{formatNumber(r.visitors)}</td>
                <td class="num">{formatNumber(r.pageviews)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function EmptySite({ site }: { site: Site }) {
  const [copied, setCopied] = useState(false)
  return (
    <section class="card empty" aria-labelledby="empty-title">
      <h2 id="empty-title">{t('emptyTitle')}</h2>
      <p>{t('emptyIntro')}</p>
      <pre>
        <code id="snippet">{site.snippet}</code>
      </pre>
      <button type="button" onClick={() => navigator.clipboard?.writeText(site.snippet).then(() => setCopied(true))}>
        {copied ? t('copied') : t('copy')}
      </button>
      <p>{t('emptyVerify')}</p>
      <p>
        {t('emptyDemo')} <a href="/demo/">/demo/</a>
      </p>
    </section>
  )
}
