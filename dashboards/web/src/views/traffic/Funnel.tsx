import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDuration, formatNumber, formatPercent, lang, t, type Key } from '../../i18n'
import { navigate } from '../../router'
import { useSignal } from '../../signal'
import { FILTER_DIMENSIONS, serializeState, withParams, type ViewState } from '../../state'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { Chart } from './Chart'
import { formatStep, funnelBody, funnelOption, funnelParams, STEP_TYPES, WINDOWS, windowText, type FunnelParams } from './model'
import type { FunnelAnswer, FunnelStep, FunnelStepSpec } from './types'
import { useAnswer } from './useAnswer'

/**
 * The funnel builder: steps from a picker, a window and a breakdown, kept in the URL (`step`, `window`,
 * `breakdown`); the funnel as a chart and a table (persons, conversion, median time, drop-off per step), the
 * breakdown's funnels, and the identified customers who dropped off after a step (`drop_off`, `page`).
 */
export function Funnel({ site, state, onChange }: ViewProps) {
  useSignal(lang)
  const f = funnelParams(state)
  const body = f.steps.length >= 2 ? funnelBody(state, f) : null
  const key = body && JSON.stringify(body)
  const { data, error, retry } = useAnswer(key, (signal) => post<FunnelAnswer>(body!, signal))
  const apply = (next: Partial<FunnelParams>) => {
    const g = { ...f, ...next }
    onChange(withParams(state, {
      step: g.steps.map(formatStep),
      window: g.windowSeconds ? String(g.windowSeconds) : undefined,
      breakdown: g.breakdown ?? undefined,
      drop_off: g.dropOff ? String(g.dropOff) : undefined,
      page: g.dropOff && g.page > 1 ? String(g.page) : undefined,
    }))
  }

  return (
    <div class="traffic">
      <h1>
        {t('tr_funnel')} <small>{site.name}</small>
      </h1>
      <Builder params={f} onApply={(p) => apply({ ...p, dropOff: null, page: 1 })} />
      {!body ? (
        <p class="empty">{t('tr_funnelNeedsSteps')}</p>
      ) : error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : (
        <>
          <Result data={data} dropOff={f.dropOff} onDropOff={(k) => apply({ dropOff: k, page: 1 })} />
          {data.breakdown && data.breakdown_dimension && <BreakdownTable data={data} />}
          {f.dropOff && f.dropOff < f.steps.length && (
            <DropOff state={state} params={f} step={data.steps[f.dropOff - 1]} onPage={(page) => apply({ page })} />
          )}
        </>
      )}
    </div>
  )
}

// A report asked by POST (the steps are a body); a late answer is dropped by useAnswer.
const post = <T,>(body: object, _signal: AbortSignal) => api.send<T>('POST', '/api/reports/funnel', body)

/** The step picker: a working copy of the steps, applied to the URL (and so to the report) on submit. */
function Builder({ params, onApply }: { params: FunnelParams; onApply: (p: Pick<FunnelParams, 'steps' | 'windowSeconds' | 'breakdown'>) => void }) {
  const fromUrl = () => (params.steps.length ? params.steps : [{ type: 'pageview', path: '/' }, { type: 'pageview', path: '' }])
  const [steps, setSteps] = useState<FunnelStepSpec[]>(fromUrl)
  const [windowSeconds, setWindow] = useState(params.windowSeconds)
  const [breakdown, setBreakdown] = useState(params.breakdown)
  const urlKey = params.steps.map(formatStep).join('\n') + '|' + params.windowSeconds + '|' + params.breakdown
  useEffect(() => {
    setSteps(fromUrl())
    setWindow(params.windowSeconds)
    setBreakdown(params.breakdown)
  }, [urlKey])

  const change = (i: number, s: FunnelStepSpec) => setSteps(steps.map((x, j) => (j === i ? s : x)))
  const move = (i: number, by: number) => {
    const next = [...steps]
    ;[next[i], next[i + by]] = [next[i + by], next[i]]
    setSteps(next)
  }
  const clean = steps.map((s) => ({ type: s.type, ...(s.type === 'pageview' ? { path: s.path?.trim() || undefined } : { name: s.name?.trim() || undefined }) }))

  return (
    <form class="card funnel-builder" aria-labelledby="builder-title" onSubmit={(e) => (e.preventDefault(), onApply({ steps: clean, windowSeconds, breakdown }))}>
      <h2 id="builder-title">{t('tr_funnelSteps')}</h2>
      <ol class="steps">
        {steps.map((s, i) => {
          const n = i + 1
          const valueLabel = s.type === 'pageview' ? t('tr_stepPath') : t('tr_stepName')
          return (
            <li key={i} class="step-edit">
              <label>
                <span>{t('tr_stepN').replace('{n}', String(n))}</span>
                <select aria-label={`${t('tr_stepN').replace('{n}', String(n))}: ${t('tr_stepType')}`} value={s.type}
                  onChange={(e) => change(i, { type: (e.target as HTMLSelectElement).value, path: s.path, name: s.name })}>
                  {STEP_TYPES.map((type) => (
                    <option key={type} value={type}>{t(('tr_type_' + type) as Key)}</option>
                  ))}
                </select>
              </label>
              <label>
                <span class="visually-hidden">{valueLabel}</span>
                <input aria-label={`${t('tr_stepN').replace('{n}', String(n))}: ${valueLabel}`} value={(s.type === 'pageview' ? s.path : s.name) ?? ''}
                  placeholder={s.type === 'pageview' ? '/shoes/*' : s.type === 'custom' ? 'signup' : t('tr_anyName')}
                  required={s.type === 'pageview' || s.type === 'custom'}
                  onInput={(e) => {
                    const v = (e.target as HTMLInputElement).value
                    change(i, s.type === 'pageview' ? { type: s.type, path: v } : { type: s.type, name: v })
                  }} />
              </label>
              <span class="step-buttons">
                <button type="button" disabled={i === 0} aria-label={`${t('tr_moveUp')}: ${t('tr_stepN').replace('{n}', String(n))}`} onClick={() => move(i, -1)}>↑</button>
                <button type="button" disabled={i === steps.length - 1} aria-label={`${t('tr_moveDown')}: ${t('tr_stepN').replace('{n}', String(n))}`} onClick={() => move(i, 1)}>↓</button>
                <button type="button" disabled={steps.length <= 2} aria-label={`${t('tr_removeStep')}: ${t('tr_stepN').replace('{n}', String(n))}`}
                  onClick={() => setSteps(steps.filter((_, j) => j !== i))}>✕</button>
              </span>
            </li>
          )
        })}
      </ol>
      <div class="toolbar">
        <button type="button" disabled={steps.length >= 20} onClick={() => setSteps([...steps, { type: 'pageview', path: '' }])}>{t('tr_addStep')}</button>
        <label>
          <span>{t('tr_window')}</span>
          <select aria-label={t('tr_window')} value={String(windowSeconds ?? '')} onChange={(e) => setWindow(Number((e.target as HTMLSelectElement).value) || null)}>
            <option value="">{t('tr_windowDefault')}</option>
            {WINDOWS.map((w) => (
              <option key={w} value={String(w)}>{windowText(w)}</option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('tr_breakdown')}</span>
          <select aria-label={t('tr_breakdown')} value={breakdown ?? ''} onChange={(e) => setBreakdown((e.target as HTMLSelectElement).value || null)}>
            <option value="">{t('tr_noBreakdown')}</option>
            {FILTER_DIMENSIONS.map((d) => (
              <option key={d} value={d}>{t(('tr_dim_' + d) as Key)}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">{t('tr_showFunnel')}</button>
      </div>
    </form>
  )
}

const seconds = (s: number | null) => (s === null ? '–' : formatDuration(s))

/** The funnel as the API answered it: the chart and its table, a drop-off button per step but the last. */
function Result({ data, dropOff, onDropOff }: { data: FunnelAnswer; dropOff: number | null; onDropOff: (k: number) => void }) {
  const option = useMemo(() => funnelOption(data.steps, (s) => `${s.step}. ${s.description}`), [data])
  return (
    <section class="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t('tr_funnelResult')}</h2>
      <Chart option={option} label={`${t('tr_funnel')}: ${data.steps.map((s) => `${s.description} ${s.persons}`).join(', ')}. ${t('tr_tableBelow')}`} height={Math.max(220, data.steps.length * 60)} />
      <div class="scroll">
        <table data-funnel="steps">
          <caption class="visually-hidden">{t('tr_funnelResult')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tr_step')}</th>
              <th scope="col" class="num">{t('tr_persons')}</th>
              <th scope="col" class="num">{t('tr_conversionPrevious')}</th>
              <th scope="col" class="num">{t('tr_conversionFirst')}</th>
              <th scope="col" class="num">{t('tr_medianTime')}</th>
              <th scope="col" class="num">{t('tr_dropOff')}</th>
            </tr>
          </thead>
          <tbody>
            {data.steps.map((s) => (
              <tr key={s.step} data-step={s.step}>
                <th scope="row">{s.step}. {s.description}</th>
                <td class="num" data-field="persons" data-value={String(s.persons)}>{formatNumber(s.persons)}</td>
                <td class="num" data-field="conversion_from_previous" data-value={String(s.conversion_from_previous)}>{formatPercent(s.conversion_from_previous)}</td>
                <td class="num" data-field="conversion_from_first" data-value={String(s.conversion_from_first)}>{formatPercent(s.conversion_from_first)}</td>
                <td class="num" data-field="median_seconds_from_previous" data-value={String(s.median_seconds_from_previous)}>{seconds(s.median_seconds_from_previous)}</td>
                <td class="num" data-field="drop_off" data-value={String(s.drop_off)}>
                  {s.step < data.steps.length ? (
                    <button type="button" class="link" aria-pressed={dropOff === s.step} aria-label={`${t('tr_whoDroppedOff')} ${s.step}: ${formatNumber(s.drop_off)}`}
                      onClick={() => onDropOff(s.step)}>
                      {formatNumber(s.drop_off)}
                    </button>
                  ) : (
                    formatNumber(s.drop_off)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">{t('tr_dropOffHint')}</p>
    </section>
  )
}

/** The funnel per value of the breakdown: each group's persons per step, and its conversion to the last step. */
function BreakdownTable({ data }: { data: FunnelAnswer }) {
  const dim = data.breakdown_dimension!
  return (
    <section class="card" aria-labelledby="funnel-breakdown-title">
      <h2 id="funnel-breakdown-title">{t('tr_breakdown')}: {t(('tr_dim_' + dim) as Key)}</h2>
      <div class="scroll">
        <table data-funnel="breakdown">
          <thead>
            <tr>
              <th scope="col">{t(('tr_dim_' + dim) as Key)}</th>
              {data.steps.map((s) => (
                <th key={s.step} scope="col" class="num">{s.step}. {s.description}</th>
              ))}
              <th scope="col" class="num">{t('tr_conversionFirst')}</th>
            </tr>
          </thead>
          <tbody>
            {data.breakdown!.map((g) => {
              const last = g.steps[g.steps.length - 1]
              return (
                <tr key={g.value} data-row={g.value}>
                  <th scope="row">{g.value}</th>
                  {g.steps.map((s) => (
                    <td key={s.step} class="num" data-value={String(s.persons)}>{formatNumber(s.persons)}</td>
                  ))}
                  <td class="num" data-value={String(last.conversion_from_first)}>{formatPercent(last.conversion_from_first)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** The identified customers who reached step k and not k+1, each a link to the 360-degree page. */
function DropOff({ state, params, step, onPage }: { state: ViewState; params: FunnelParams; step: FunnelStep; onPage: (page: number) => void }) {
  const body = funnelBody(state, params, step.step)
  const { data, error, retry } = useAnswer(JSON.stringify(body), (signal) => post<FunnelAnswer>(body, signal).then((a) => a.drop_off!))
  const shared = serializeState({ ...state, params: undefined })
  const pages = data ? Math.max(1, Math.ceil(data.total / data.page_size)) : 1
  return (
    <section class="card drop-off" aria-labelledby="drop-off-title">
      <h2 id="drop-off-title">{t('tr_droppedAfter').replace('{n}', String(step.step)).replace('{step}', step.description)}</h2>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : (
        <>
          <p data-drop-off-total={data.total}>
            {t('tr_droppedTotal').replace('{total}', formatNumber(data.total)).replace('{persons}', formatNumber(step.drop_off))}
          </p>
          {data.customers.length > 0 && (
            <ul class="customers">
              {data.customers.map((id) => {
                const href = '/customers/' + encodeURIComponent(id) + shared
                return (
                  <li key={id}>
                    <a href={href} data-customer={id} onClick={(e) => (e.preventDefault(), navigate(href))}>{id}</a>
                  </li>
                )
              })}
            </ul>
          )}
          {pages > 1 && (
            <nav class="pager" aria-label={t('tr_pagesOfList')}>
              <button type="button" disabled={data.page <= 1} onClick={() => onPage(data.page - 1)}>{t('tr_previousPage')}</button>
              <span>{t('tr_pageOf').replace('{page}', String(data.page)).replace('{pages}', String(pages))}</span>
              <button type="button" disabled={data.page >= pages} onClick={() => onPage(data.page + 1)}>{t('tr_nextPage')}</button>
            </nav>
          )}
        </>
      )}
    </section>
  )
}
