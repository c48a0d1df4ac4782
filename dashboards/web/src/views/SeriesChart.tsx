import { useEffect, useRef, useState } from 'preact/hooks'
import type { Overview } from '../api'
import { formatDate, formatNumber, lang, t } from '../i18n'
import { useSignal } from '../signal'

const METRICS = ['visitors', 'pageviews', 'sessions'] as const
type Metric = (typeof METRICS)[number]

/** The bucket's label: an hour for hourly series, else the date. */
export function bucketLabel(iso: string, interval: string, zone: string) {
  return interval === 'hour' ? formatDate(iso, zone, { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }) : formatDate(iso, zone)
}

/**
 * This period against the previous one, bucket by bucket. ECharts is loaded on demand (its own chunk), so the
 * first load stays small; the same numbers are a table for screen readers and keyboards.
 */
export function SeriesChart({ current, previous }: { current: Overview; previous: Overview | null }) {
  const l = useSignal(lang)
  const [metric, setMetric] = useState<Metric>('visitors')
  const [ready, setReady] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  const el = useRef<HTMLDivElement>(null)

  const labels = current.series.map((p) => bucketLabel(p.t, current.interval, current.time_zone))
  const now = current.series.map((p) => p[metric])
  const before = previous ? previous.series.map((p) => p[metric]) : []

  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    import('../chart')
      .then(({ drawSeries }) => {
        if (disposed || !el.current) return
        dispose = drawSeries(el.current, { labels, series: [{ name: t('current'), values: now }, ...(previous ? [{ name: t('previous'), values: before, dashed: true }] : [])] })
        setReady(true)
      })
      .catch((e) => setFailed(String(e)))
    return () => {
      disposed = true
      dispose()
    }
  }, [current, previous, metric, l])

  return (
    <section class="card chart" aria-labelledby="chart-title">
      <div class="chart-head">
        <h2 id="chart-title">{t('chartTitle')}</h2>
        <label>
          <span>{t('metric')}</span>
          <select aria-label={t('metric')} value={metric} onChange={(e) => setMetric((e.target as HTMLSelectElement).value as Metric)}>
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {t(m)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div ref={el} class="plot" role="img" aria-label={`${t('chartTitle')}: ${t(metric)}, ${t('current')} / ${t('previous')}`} />
      {!ready && !failed && <p class="loading">{t('chartLoading')}</p>}
      {failed && <p class="problem">{failed}</p>}
      <details>
        <summary>{t('chartAsTable')}</summary>
        <table class="series-table">
          <caption class="visually-hidden">{`${t('chartTitle')}: ${t(metric)}`}</caption>
          <thead>
            <tr>
              <th scope="col">{t('time')}</th>
              <th scope="col" class="num">{t('current')}</th>
              {previous && <th scope="col" class="num">{t('previous')}</th>}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={current.series[i].t}>
                <th scope="row">{label}</th>
                <td class="num">{formatNumber(now[i])}</td>
                {previous && <td class="num">{before[i] === undefined ? '–' : formatNumber(before[i])}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}
