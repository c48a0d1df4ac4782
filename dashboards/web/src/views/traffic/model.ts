// The pure part of the traffic views: their own URL parameters, the funnel's request, and the charts' options
// (plain objects for ECharts; src/charts/traffic.ts only draws them). Nothing here computes a number: the charts
// show the API's answers as they are.
import type { BreakdownRow } from '../../api'
import { locale, type Lang } from '../../i18n'
import { FILTER_DIMENSIONS, formatFilter, param, params, type ViewState } from '../../state'
import type { FunnelStep, FunnelStepSpec, PathsAnswer } from './types'

/** The breakdowns of "Sources and campaigns": the event's own values, then the session's acquisition. */
export const SOURCE_DIMENSIONS = [
  'channel', 'source', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'session_channel', 'session_source', 'session_campaign',
] as const
export const PAGE_DIMENSIONS = ['page', 'entry_page', 'exit_page'] as const

/** The dimension a click on a row filters by: the dimension itself where it is a filter, `page` for entry and
 *  exit pages, none for the session's acquisition (not a filter yet). */
export function filterFor(dimension: string): string | null {
  if ((FILTER_DIMENSIONS as readonly string[]).includes(dimension)) return dimension
  if (dimension === 'entry_page' || dimension === 'exit_page') return 'page'
  return null
}

/** The URL's choice among `allowed`, else the first. */
export function pick<T extends string>(state: ViewState, name: string, allowed: readonly T[]): T {
  const v = param(state, name)
  return (allowed as readonly string[]).includes(v ?? '') ? (v as T) : allowed[0]
}

/** The event types a funnel step can be (the collector's, less identify and consent). */
export const STEP_TYPES = [
  'pageview', 'custom', 'click', 'outbound', 'download', 'form_start', 'form_submit', 'form_abandon', 'product_view',
  'add_to_cart', 'purchase',
] as const

/**
 * A step in the URL: `step=TYPE` or `step=TYPE:VALUE`, the value being the path (exact or with `*`) for a pageview
 * and the event's name for any other type (`step=pageview:/shoes/*`, `step=custom:signup`, `step=purchase`).
 */
export function parseStep(raw: string): FunnelStepSpec | null {
  const i = raw.indexOf(':')
  const type = (i < 0 ? raw : raw.slice(0, i)).trim()
  const value = i < 0 ? '' : raw.slice(i + 1)
  if (!/^[a-z_][a-z0-9_]*$/.test(type)) return null
  if (!value) return { type }
  return type === 'pageview' ? { type, path: value } : { type, name: value }
}

export const formatStep = (s: FunnelStepSpec) => {
  const value = s.type === 'pageview' ? s.path : s.name
  return value ? `${s.type}:${value}` : s.type
}

export interface FunnelParams {
  steps: FunnelStepSpec[]
  windowSeconds: number | null
  breakdown: string | null
  dropOff: number | null
  page: number
}

const positive = (v: string | undefined) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null)

/** The funnel's own state: `step` (repeated, in order), `window` (seconds), `breakdown`, `drop_off`, `page`. */
export function funnelParams(state: ViewState): FunnelParams {
  return {
    steps: params(state, 'step').map(parseStep).filter((s): s is FunnelStepSpec => s !== null),
    windowSeconds: positive(param(state, 'window')),
    breakdown: param(state, 'breakdown') || null,
    dropOff: positive(param(state, 'drop_off')),
    page: positive(param(state, 'page')) ?? 1,
  }
}

/** The body of POST /api/reports/funnel for the view's state (with `drop_off` for the list of step k). */
export function funnelBody(state: ViewState, f: FunnelParams, dropOff?: number) {
  return {
    site: state.site,
    ...(state.from ? { from: state.from } : {}),
    ...(state.to ? { to: state.to } : {}),
    ...(f.windowSeconds ? { window_seconds: f.windowSeconds } : {}),
    steps: f.steps.map((s) => ({ type: s.type, ...(s.path ? { path: s.path } : {}), ...(s.name ? { name: s.name } : {}) })),
    ...(f.breakdown && dropOff === undefined ? { breakdown: f.breakdown, limit: 10 } : {}),
    ...(state.filters.length ? { filter: state.filters.map(formatFilter) } : {}),
    ...(dropOff !== undefined ? { drop_off: dropOff, page: f.page, page_size: 100 } : {}),
  }
}

/** The windows offered (seconds); the API's default is an hour. */
export const WINDOWS = [300, 1800, 3600, 86400, 604800, 2592000] as const

/** A window in the largest whole unit, in the app's language ("1 hour", "7 Tage"). */
export function windowText(seconds: number, l?: Lang) {
  const [unit, size] = seconds % 86400 === 0 ? ['day', 86400] : seconds % 3600 === 0 ? ['hour', 3600] : ['minute', 60]
  return new Intl.NumberFormat(locale(l), { style: 'unit', unit, unitDisplay: 'long' }).format(Math.round(seconds / (size as number)))
}

const ACCENT = '#1f5fbf'
const tooltip = { trigger: 'item', confine: true }

/** A horizontal bar per row (top first): the rows' `metric` as the API answered it. */
export function barOption(rows: BreakdownRow[], metric: 'visitors' | 'sessions' | 'pageviews') {
  const shown = [...rows].reverse()
  return {
    animation: false,
    tooltip: { ...tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.value), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', name: metric, data: shown.map((r) => r[metric]), itemStyle: { color: ACCENT } }],
  }
}

/** The funnel: a band per step, its persons (the bands keep the steps' order, not sorted by size). */
export function funnelOption(steps: FunnelStep[], label: (s: FunnelStep) => string) {
  return {
    animation: false,
    tooltip,
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '10%',
        width: '80%',
        top: 8,
        bottom: 8,
        min: 0,
        max: Math.max(1, ...steps.map((s) => s.persons)),
        minSize: '4%',
        gap: 2,
        label: { show: true, position: 'inside', color: '#fff', formatter: '{b}' },
        itemStyle: { borderWidth: 0 },
        data: steps.map((s, i) => ({ name: label(s), value: s.persons, itemStyle: { color: SHADES[i % SHADES.length] } })),
      },
    ],
  }
}
const SHADES = ['#1f5fbf', '#2d6fcf', '#3b7bd6', '#4a86da', '#2a5599', '#1d4a8a', '#173d73', '#12325f']

/** A node's name in the Sankey (unique: the same path at two steps is two nodes). */
export const nodeName = (n: { step: number; path: string }) => `${n.step}\u2009${n.path}`

/** The paths' Sankey: the API's nodes and links as they are, labelled with their path. */
export function sankeyOption(p: PathsAnswer) {
  return {
    animation: false,
    tooltip,
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 120,
        top: 8,
        bottom: 8,
        nodeAlign: p.direction === 'to' ? 'right' : 'left',
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'source', opacity: 0.35 },
        itemStyle: { color: ACCENT },
        label: { formatter: (x: { data: { path: string } }) => x.data.path },
        data: p.nodes.map((n) => ({ name: nodeName(n), path: n.path, value: n.sessions, depth: n.step - Math.min(0, ...p.nodes.map((m) => m.step)) })),
        links: p.links.map((l) => ({ source: nodeName(p.nodes[idx(p, l.source)]), target: nodeName(p.nodes[idx(p, l.target)]), value: l.sessions })),
      },
    ],
  }
}
const idx = (p: PathsAnswer, id: number) => {
  const i = p.nodes.findIndex((n) => n.id === id)
  return i < 0 ? 0 : i
}
