// The view's state as the URL holds it, so that a view can be reloaded and shared:
//   /overview?site=demo&from=2026-03-01&to=2026-03-31&filter=country:is:DE&filter=device:in:mobile|tablet
// `from`/`to` are the reports' (docs/reports.md: dates in the site's zone, `to` inclusive); without them the
// reports' default, the last 30 days. Filters are the reports' `DIMENSION:OPERATOR:VALUE`, in order.
// Pure functions: the components read and write the URL only through these.

export const OPERATORS = ['is', 'is_not', 'contains', 'in'] as const
export type Operator = (typeof OPERATORS)[number]

/** The dimensions a report can filter by (docs/reports.md "Dimensions"). */
export const FILTER_DIMENSIONS = [
  'page', 'channel', 'source', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'country', 'region', 'city', 'device', 'browser', 'os', 'screen', 'language', 'consent', 'identified',
  'customer_class', 'crm_segment',
] as const

export interface Filter {
  dimension: string
  operator: Operator
  value: string
}

export interface ViewState {
  site?: string
  from?: string
  to?: string
  filters: Filter[]
  /** The view's own parameters (any other query parameter: a funnel's steps, a page), kept in order. */
  params?: [string, string][]
}

const SHARED = ['site', 'from', 'to', 'filter']
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** `country:is:DE` → a filter; the value is everything after the second colon (`page:is:/a:b`). */
export function parseFilter(raw: string): Filter | null {
  const first = raw.indexOf(':')
  const second = first < 0 ? -1 : raw.indexOf(':', first + 1)
  if (first <= 0 || second < 0) return null
  const operator = raw.slice(first + 1, second)
  if (!(OPERATORS as readonly string[]).includes(operator)) return null
  return { dimension: raw.slice(0, first), operator: operator as Operator, value: raw.slice(second + 1) }
}

export const formatFilter = (f: Filter) => `${f.dimension}:${f.operator}:${f.value}`

/** Reads a query string (`?site=…`); unknown or malformed parts are dropped, not guessed at. */
export function parseState(search: string): ViewState {
  const q = new URLSearchParams(search)
  const state: ViewState = { filters: [] }
  const site = q.get('site')?.trim()
  if (site) state.site = site
  const from = q.get('from')
  const to = q.get('to')
  if (from && DATE.test(from)) state.from = from
  if (to && DATE.test(to)) state.to = to
  for (const raw of q.getAll('filter')) {
    const f = parseFilter(raw)
    if (f && !state.filters.some((g) => sameFilter(f, g))) state.filters.push(f)
  }
  const own = [...q].filter(([k]) => !SHARED.includes(k))
  if (own.length) state.params = own
  return state
}

/** The canonical query string of a state: site, from, to, then the filters in order ('' for none). */
export function serializeState(state: ViewState): string {
  const q = new URLSearchParams()
  if (state.site) q.set('site', state.site)
  if (state.from) q.set('from', state.from)
  if (state.to) q.set('to', state.to)
  for (const f of state.filters) q.append('filter', formatFilter(f))
  for (const [k, v] of state.params ?? []) q.append(k, v)
  const s = q.toString().replace(/%3A/gi, ':').replace(/%7C/gi, '|').replace(/%2F/gi, '/')
  return s ? '?' + s : ''
}

const sameFilter = (a: Filter, b: Filter) => a.dimension === b.dimension && a.operator === b.operator && a.value === b.value

/** Adds a filter; an `is` filter on a dimension replaces the dimension's other `is` filter (a click narrows). */
export function addFilter(state: ViewState, f: Filter): ViewState {
  if (state.filters.some((g) => sameFilter(f, g))) return state
  const kept = f.operator === 'is' ? state.filters.filter((g) => !(g.dimension === f.dimension && g.operator === 'is')) : state.filters
  return { ...state, filters: [...kept, f] }
}

export function removeFilter(state: ViewState, index: number): ViewState {
  return { ...state, filters: state.filters.filter((_, i) => i !== index) }
}

/** A new range; both undefined for the reports' default. An inverted range is put in order. */
export function withRange(state: ViewState, from?: string, to?: string): ViewState {
  if (from && to && from > to) [from, to] = [to, from]
  const next: ViewState = { ...state, from: from || undefined, to: to || undefined }
  return next
}

/** The reports' query for a state plus extra parameters (`dimension`, `limit`, …). */
export function reportQuery(state: ViewState, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams()
  if (state.site) q.set('site', state.site)
  if (state.from) q.set('from', state.from)
  if (state.to) q.set('to', state.to)
  for (const [k, v] of Object.entries(extra)) q.set(k, v)
  for (const f of state.filters) q.append('filter', formatFilter(f))
  return q.toString()
}

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

export const PRESETS = ['today', '7d', '30d', '90d', 'month', 'last_month'] as const
export type Preset = (typeof PRESETS)[number]

/** The dates of a preset range, today included, by the browser's calendar. */
export function presetRange(preset: Preset, today: Date): { from: string; to: string } {
  const day = (offset: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset)
  switch (preset) {
    case 'today':
      return { from: iso(today), to: iso(today) }
    case '7d':
      return { from: iso(day(-6)), to: iso(today) }
    case '30d':
      return { from: iso(day(-29)), to: iso(today) }
    case '90d':
      return { from: iso(day(-89)), to: iso(today) }
    case 'month':
      return { from: iso(new Date(today.getFullYear(), today.getMonth(), 1)), to: iso(today) }
    case 'last_month':
      return {
        from: iso(new Date(today.getFullYear(), today.getMonth() - 1, 1)),
        to: iso(new Date(today.getFullYear(), today.getMonth(), 0)),
      }
  }
}

/** The preset a range is, if any (for the picker to show it). */
export function presetOf(state: ViewState, today: Date): Preset | undefined {
  if (!state.from && !state.to) return '30d'
  return PRESETS.find((p) => {
    const r = presetRange(p, today)
    return r.from === state.from && r.to === state.to
  })
}

/** The view's own parameter `name` (the first), or undefined. */
export const param = (state: ViewState, name: string) => state.params?.find(([k]) => k === name)?.[1]

/** Every value of the view's own parameter `name`. */
export const params = (state: ViewState, name: string) => (state.params ?? []).filter(([k]) => k === name).map(([, v]) => v)

/** The state with the view's own parameters replaced by `own` (undefined or [] drops a name; other names stay). */
export function withParams(state: ViewState, own: Record<string, string | string[] | undefined>): ViewState {
  const kept = (state.params ?? []).filter(([k]) => !(k in own))
  const added = Object.entries(own).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])))
  const all = [...kept, ...added]
  return { ...state, params: all.length ? all : undefined }
}

/**
 * The URL of a view: `path`, the shell's state, then the view's own parameters `own` — all of them: those of the URL
 * (state.params) are replaced, so a link to another view or a changed switch never repeats or keeps a stale one.
 * Undefined, empty and default values (`defaults`) are left out, so the canonical URL stays short.
 */
export function viewUrl(path: string, state: ViewState, own: Record<string, string | number | undefined> = {}, defaults: Record<string, string | number> = {}): string {
  const base = serializeState({ ...state, params: undefined })
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(own))
    if (v !== undefined && v !== '' && !(k in defaults && String(defaults[k]) === String(v))) q.set(k, String(v))
  const extra = q.toString()
  return path + (extra ? (base ? base + '&' : '?') + extra : base)
}
