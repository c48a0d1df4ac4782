// The pure part of the customer and CRM views: their own URL state (beside the shell's site, range and filters),
// the queries they send, the RFM segment table, and the segment form's body. No fetching, no DOM: tested in
// test/crm.test.ts.
import { viewUrl as sharedViewUrl, type ViewState } from '../../state'
import type { SegmentFilters } from './types'

/** A view's own parameters (page, q, class, …: all of them) after the shell's query (state.ts); page 1 is the default. */
export const viewUrl = (path: string, state: ViewState, own: Record<string, string | number | undefined>) => sharedViewUrl(path, state, own, { page: 1 })

/** A whole number ≥ 1 from the URL, else the fallback. */
export const positive = (raw: string | null, fallback = 1) => {
  const n = Number(raw)
  return Number.isInteger(n) && n >= 1 ? n : fallback
}

export const CLASSES = ['A', 'B', 'C'] as const

export interface CustomerListState {
  q: string
  class: string
  segment: string
  page: number
}

export function parseCustomerList(search: string): CustomerListState {
  const p = new URLSearchParams(search)
  const c = p.get('class') ?? ''
  return { q: p.get('q') ?? '', class: (CLASSES as readonly string[]).includes(c) ? c : '', segment: p.get('segment') ?? '', page: positive(p.get('page')) }
}

/** GET /api/customers's query: the site, the A/B/C period (the shell's range, else the API's 12 months) and the list's state. */
export function customersQuery(state: ViewState, list: CustomerListState, pageSize = 50): string {
  const q = new URLSearchParams()
  if (state.site) q.set('site', state.site)
  if (state.from) q.set('from', state.from)
  if (state.to) q.set('to', state.to)
  if (list.q.trim()) q.set('q', list.q.trim())
  if (list.class) q.set('class', list.class)
  if (list.segment) q.set('segment', list.segment)
  q.set('page', String(list.page))
  q.set('page_size', String(pageSize))
  return q.toString()
}

/** The customer id of a path under /customers (`/customers/C%201` → `C 1`), or null for the list. */
export function customerIdOf(path: string): string | null {
  const rest = path.replace(/^\/customers\/?/, '')
  if (!rest) return null
  try {
    return decodeURIComponent(rest)
  } catch {
    return rest
  }
}

export const customerPath = (id: string) => '/customers/' + encodeURIComponent(id)

/** GET /api/customers/{id}'s query: the A/B/C period and the two pages. */
export function customerQuery(state: ViewState, sessionsPage: number, timelinePage: number): string {
  const q = new URLSearchParams()
  if (state.site) q.set('site', state.site)
  if (state.from) q.set('from', state.from)
  if (state.to) q.set('to', state.to)
  q.set('sessions_page', String(sessionsPage))
  q.set('sessions_page_size', '10')
  q.set('timeline_page', String(timelinePage))
  q.set('timeline_page_size', '25')
  return q.toString()
}

/** How many pages `total` items make at `size` a page (at least 1). */
export const pageCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size))

// RFM: the segment table of docs/crm-analytics.md (Crm/Rfm/RfmSegmentTable.cs), rows R 5…1, columns FM 1…5.
export const RFM_SEGMENTS = [
  'champions', 'loyal', 'potential_loyalists', 'new', 'promising', 'need_attention', 'about_to_sleep', 'at_risk', 'cannot_lose', 'hibernating', 'lost',
] as const
export const RFM_GRID: { r: number; cells: string[] }[] = [
  { r: 5, cells: ['new', 'potential_loyalists', 'potential_loyalists', 'champions', 'champions'] },
  { r: 4, cells: ['promising', 'potential_loyalists', 'potential_loyalists', 'loyal', 'loyal'] },
  { r: 3, cells: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'] },
  { r: 2, cells: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cannot_lose'] },
  { r: 1, cells: ['lost', 'lost', 'at_risk', 'at_risk', 'cannot_lose'] },
]

/** A shade for a count among counts: 0 (none) to 4 (the most), so the grid reads as a heat map. */
export function shade(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0
  return Math.max(1, Math.ceil((4 * count) / max))
}

export const VALUE_GROUPS = ['customer', 'class', 'channel', 'campaign'] as const
export type ValueGroupBy = (typeof VALUE_GROUPS)[number]
export const VALUE_SORTS = ['contribution_margin', 'revenue', 'margin', 'acquisition_cost', 'service_cost', 'orders', 'first_order', 'customer_id'] as const

export interface ValueState {
  groupBy: ValueGroupBy
  sort: string
  order: '' | 'asc' | 'desc'
  page: number
}

export function parseValue(search: string): ValueState {
  const p = new URLSearchParams(search)
  const g = p.get('group_by') ?? ''
  const s = p.get('sort') ?? ''
  const o = p.get('order') ?? ''
  return {
    groupBy: (VALUE_GROUPS as readonly string[]).includes(g) ? (g as ValueGroupBy) : 'customer',
    sort: (VALUE_SORTS as readonly string[]).includes(s) ? s : 'contribution_margin',
    order: o === 'asc' || o === 'desc' ? o : '',
    page: positive(p.get('page')),
  }
}

export const VALUE_PAGE_SIZE = 25

/** The value report's own parameters for a state (group_by, or sort/order/limit/page per customer). */
export function valueParams(v: ValueState): Record<string, string> {
  if (v.groupBy !== 'customer') return { group_by: v.groupBy }
  const out: Record<string, string> = { sort: v.sort, limit: String(VALUE_PAGE_SIZE), page: String(v.page) }
  if (v.order) out.order = v.order
  return out
}

export const SURVEY_BREAKDOWNS = ['all', 'class', 'channel', 'rfm_segment'] as const

// Segments: the form's fields and the body of POST/PUT /api/sites/{key}/segments.
export interface SegmentForm {
  name: string
  periodDays: string
  events: string
  classes: string[]
  rfm: string[]
  seenBefore: string
  seenAfter: string
  withinDays: string
  dropSteps: string
  dropStep: string
  dropWindow: string
  webhookUrl: string
  webhookSecret: string
}

export const emptySegmentForm = (): SegmentForm => ({
  name: '', periodDays: '365', events: '', classes: [], rfm: [], seenBefore: '', seenAfter: '', withinDays: '',
  dropSteps: '', dropStep: '', dropWindow: '', webhookUrl: '', webhookSecret: '',
})

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean)
const num = (s: string) => (s.trim() === '' ? undefined : Number(s))

/** A funnel step as written in the form: `pageview /cart`, `purchase`, `event signup` (type, then a path or name). */
export function parseStep(line: string): { type: string; path?: string; name?: string } {
  const [type, ...rest] = line.split(/\s+/)
  const arg = rest.join(' ')
  if (!arg) return { type }
  return arg.startsWith('/') ? { type, path: arg } : { type, name: arg }
}
export const formatStep = (s: { type: string; path?: string | null; name?: string | null }) => [s.type, s.path || s.name || ''].join(' ').trim()

/** The API's body of a form; numbers as numbers, empty parts left out (the API names what is wrong with the rest). */
export function segmentBody(f: SegmentForm) {
  const filters: SegmentFilters = {}
  if (lines(f.events).length) filters.events = lines(f.events)
  if (f.classes.length) filters.class = [...f.classes]
  if (f.rfm.length) filters.rfm_segment = [...f.rfm]
  if (f.seenBefore || f.seenAfter || f.withinDays.trim()) {
    filters.last_seen = {}
    if (f.seenBefore) filters.last_seen.before = f.seenBefore
    if (f.seenAfter) filters.last_seen.after = f.seenAfter
    if (f.withinDays.trim()) filters.last_seen.within_days = num(f.withinDays)
  }
  if (lines(f.dropSteps).length) {
    filters.dropped_at = { steps: lines(f.dropSteps).map(parseStep), step: num(f.dropStep) }
    if (f.dropWindow.trim()) filters.dropped_at.window_seconds = num(f.dropWindow)
  }
  const body: { name: string; period_days?: number; filters: SegmentFilters; webhook?: { url: string; secret?: string } } = { name: f.name.trim(), filters }
  if (f.periodDays.trim()) body.period_days = num(f.periodDays)
  if (f.webhookUrl.trim()) body.webhook = { url: f.webhookUrl.trim(), ...(f.webhookSecret ? { secret: f.webhookSecret } : {}) }
  return body
}

/** The form of a saved segment (to edit it); the secret is never answered, so it stays empty (the stored one is kept). */
export function segmentForm(s: { name: string; period_days: number; filters: SegmentFilters; webhook: { url: string } | null }): SegmentForm {
  const f = s.filters
  return {
    name: s.name,
    periodDays: String(s.period_days),
    events: (f.events ?? []).join('\n'),
    classes: [...(f.class ?? [])],
    rfm: [...(f.rfm_segment ?? [])],
    seenBefore: f.last_seen?.before?.slice(0, 10) ?? '',
    seenAfter: f.last_seen?.after?.slice(0, 10) ?? '',
    withinDays: f.last_seen?.within_days != null ? String(f.last_seen.within_days) : '',
    dropSteps: (f.dropped_at?.steps ?? []).map(formatStep).join('\n'),
    dropStep: f.dropped_at?.step != null ? String(f.dropped_at.step) : '',
    dropWindow: f.dropped_at?.window_seconds != null ? String(f.dropped_at.window_seconds) : '',
    webhookUrl: s.webhook?.url ?? '',
    webhookSecret: '',
  }
}
