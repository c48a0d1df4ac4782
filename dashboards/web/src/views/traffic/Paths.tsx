import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../../api'
import { formatNumber, lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { param, reportQuery, withParams, type ViewState } from '../../state'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { Chart } from './Chart'
import { sankeyOption } from './model'
import { Choice } from './Tables'
import { Transitions } from './Transitions'
import type { PathNode, PathsAnswer } from './types'
import { useAnswer } from './useAnswer'

const DIRECTIONS = ['from', 'to'] as const
type Direction = (typeof DIRECTIONS)[number]
const DEPTHS = ['1', '2', '3', '4', '5'] as const

/** The view's own state: `from_page=P` or `to_page=P` (P defaults to `/`), `depth` 1..5 (default 3). */
export function pathsParams(state: ViewState) {
  const to = param(state, 'to_page')
  const from = param(state, 'from_page')
  const direction: Direction = to && !from ? 'to' : 'from'
  const depth = DEPTHS.find((d) => d === param(state, 'depth')) ?? '3'
  return { direction, page: (direction === 'to' ? to : from) || '/', depth }
}

/** Paths through a page as a Sankey chart (with the links as a table), and the page's transitions. */
export function Paths({ site, state, onChange }: ViewProps) {
  useSignal(lang)
  const { direction, page, depth } = pathsParams(state)
  const [draft, setDraft] = useState(page)
  useEffect(() => setDraft(page), [page])
  const set = (d: Direction, p: string, dep: string) =>
    onChange(withParams(state, { from_page: d === 'from' ? p : undefined, to_page: d === 'to' ? p : undefined, depth: dep }))
  const query = reportQuery(state, { [direction === 'to' ? 'to_page' : 'from_page']: page, depth, limit: '5' })
  const { data, error, retry } = useAnswer(query, (signal) => api.get<PathsAnswer>('/api/reports/paths?' + query, signal))
  const option = useMemo(() => (data ? sankeyOption(data) : null), [data])
  const byId = new Map((data?.nodes ?? []).map((n) => [n.id, n]))

  return (
    <div class="traffic">
      <h1>
        {t('tr_paths')} <small>{site.name}</small>
      </h1>
      <form class="toolbar" onSubmit={(e) => (e.preventDefault(), set(direction, draft.trim() || '/', depth))}>
        <Choice label={t('tr_direction')} values={DIRECTIONS} value={direction} text={(d) => t(d === 'from' ? 'tr_pathsFromPage' : 'tr_pathsToPage')}
          onChange={(d) => set(d, page, depth)} />
        <label>
          <span>{t('tr_dim_page')}</span>
          <input name="page" aria-label={t('tr_dim_page')} value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} required />
        </label>
        <label>
          <span>{t('tr_depth')}</span>
          <select aria-label={t('tr_depth')} value={depth} onChange={(e) => set(direction, page, (e.target as HTMLSelectElement).value)}>
            {DEPTHS.map((d) => (
              <option key={d} value={d}>{d}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">{t('tr_show')}</button>
      </form>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.links.length === 0 ? (
        <p class="empty">{t('tr_noPaths')}</p>
      ) : (
        <section class="card" aria-labelledby="paths-title">
          <h2 id="paths-title">
            {t(direction === 'from' ? 'tr_pathsFromPage' : 'tr_pathsToPage')} <code>{data.page}</code>
          </h2>
          <p class="hint">{t('tr_pathsHint')}</p>
          <Chart option={option!} label={`${t('tr_paths')}: ${t(direction === 'from' ? 'tr_pathsFromPage' : 'tr_pathsToPage')} ${data.page}`} height={Math.max(320, 60 * Math.max(...countPerStep(data.nodes)))}>
            <table data-paths={data.direction}>
              <caption class="visually-hidden">{t('tr_paths')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('tr_fromNode')}</th>
                  <th scope="col">{t('tr_toNode')}</th>
                  <th scope="col" class="num">{t('sessions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.links.map((l) => (
                  <tr key={`${l.source}-${l.target}`} data-source={l.source} data-target={l.target}>
                    <td>{nodeText(byId.get(l.source))}</td>
                    <td>{nodeText(byId.get(l.target))}</td>
                    <td class="num" data-value={String(l.sessions)}>{formatNumber(l.sessions)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Chart>
        </section>
      )}
      <Transitions state={state} page={page} onPage={(p) => (setDraft(p), set(direction, p, depth))} />
    </div>
  )
}

const countPerStep = (nodes: PathNode[]) => {
  const m = new Map<number, number>()
  for (const n of nodes) m.set(n.step, (m.get(n.step) ?? 0) + 1)
  return [1, ...m.values()]
}

const nodeText = (n: PathNode | undefined) => (n ? `${t('tr_stepN').replace('{n}', String(n.step))}: ${n.path}` : '')
