import type { Breakdown, BreakdownRow } from '../../api'
import { formatDuration, formatNumber, formatPercent, t, type Key } from '../../i18n'

const METRICS = ['visitors', 'sessions', 'pageviews', 'bounce_rate', 'avg_session_seconds'] as const

export const formatMetric = (m: (typeof METRICS)[number], v: number) =>
  m === 'bounce_rate' ? formatPercent(v) : m === 'avg_session_seconds' ? formatDuration(v) : formatNumber(v)

/** Values that are the API's labels, not values one can pick. */
export const isLabel = (v: string) => v === '(other)' || v === '(none)' || v === '(entrance)' || v === '(exit)'

/**
 * A breakdown as the API answered it: a row per value with its five numbers (each cell carries the API's number in
 * `data-value`). A value is a button when `onPick` is given (a filter, or the page's transitions).
 */
export function MetricsTable({ data, caption, onPick, pickTitle, extra }: {
  data: Breakdown
  caption: string
  onPick?: (row: BreakdownRow) => void
  pickTitle?: string
  extra?: (row: BreakdownRow) => preact.ComponentChildren
}) {
  return (
    <div class="scroll">
      <table data-dimension={data.dimension}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t(('tr_dim_' + data.dimension) as Key)}</th>
            {METRICS.map((m) => (
              <th key={m} scope="col" class="num">{t(m)}</th>
            ))}
            {extra && <th scope="col"><span class="visually-hidden">{t('tr_actions')}</span></th>}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.value} data-row={r.value}>
              <th scope="row">
                {onPick && !(r.value === '(other)') ? (
                  <button type="button" class="link" title={`${pickTitle}: ${r.value}`} onClick={() => onPick(r)}>
                    {r.value}
                  </button>
                ) : (
                  r.value
                )}
              </th>
              {METRICS.map((m) => (
                <td key={m} class="num" data-metric={m} data-value={String(r[m])}>
                  {formatMetric(m, r[m])}
                </td>
              ))}
              {extra && <td>{extra(r)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Buttons choosing one of a few values (a dimension, a direction), as a labelled group. */
export function Choice<T extends string>({ label, values, value, text, onChange }: {
  label: string
  values: readonly T[]
  value: T
  text: (v: T) => string
  onChange: (v: T) => void
}) {
  return (
    <div class="choice" role="group" aria-label={label}>
      {values.map((v) => (
        <button key={v} type="button" aria-pressed={v === value} onClick={() => onChange(v)}>
          {text(v)}
        </button>
      ))}
    </div>
  )
}
