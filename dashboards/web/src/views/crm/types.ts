// The answers the customer and analytical-CRM views read (docs/customers.md, docs/crm-analytics.md, docs/reports.md
// "abc"), field for field as the API writes them (snake_case).

export type AbcClassName = 'A' | 'B' | 'C'

export interface CustomerListItem {
  customer_id: string
  name: string
  email: string
  segment: string
  class: AbcClassName
  revenue: number
  orders: number
  last_seen: string | null
  clv_historic: number
  clv_predicted: number
}
export interface CustomerList {
  page: number
  page_size: number
  total: number
  customers: CustomerListItem[]
}

export interface Contact {
  contact_id: string
  ts: string
  channel: string
  direction: string
  kind: string
  subject: string
  outcome: string
  cost: number
}
export interface ConsentPurpose {
  granted: boolean
  at: string
  visitor_id: string
  policy_version: string
  source: string
}
export interface Paged<T> {
  page: number
  page_size: number
  total: number
  items: T[]
}
export interface SessionItem {
  visitor_id: string
  start: string
  end: string
  duration_ms: number
  events: number
  pageviews: number
  bounce: boolean
  entry_path: string
  exit_path: string
  channel: string
  source: string
  campaign: string
  device: string
  browser: string
  os: string
  country: string
}
export interface TimelineItem {
  kind: 'event' | 'order' | 'contact'
  ts: string
  event_id?: string
  type?: string
  name?: string
  path?: string
  visitor_id?: string
  channel?: string
  source?: string
  order_id?: string
  revenue?: number
  currency?: string
  cost_of_goods?: number
  returned?: boolean
  order_source?: string
  contact_id?: string
  direction?: string
  contact_kind?: string
  subject?: string
  outcome?: string
  cost?: number
}
export interface Touchpoint {
  type: 'session' | 'contact'
  ts: string
  end?: string
  channel: string
  visitor_id?: string
  source?: string
  campaign?: string
  contact_id?: string
  kind?: string
}
export type Phase = 'pre_purchase' | 'transaction' | 'post_purchase' | 'open'
export interface JourneyPhase {
  phase: Phase
  order_id?: string | null
  order_ts?: string | null
  touchpoints: Touchpoint[]
}
export interface ValueFigures {
  customers: number
  new_customers: number
  orders: number
  revenue: number
  cost_of_goods: number
  margin: number
  revenue_without_cost_of_goods: number
  acquisition_cost: number
  contacts: number
  complaints: number
  service_cost: number
  contribution_margin: number
}
export interface CustomerValueRow {
  customer_id: string
  first_order: string | null
  acquired: boolean
  channel: string
  campaign: string
  orders: number
  revenue: number
  cost_of_goods: number
  margin: number
  revenue_without_cost_of_goods: number
  acquisition_cost: number
  contacts: number
  complaints: number
  service_cost: number
  contribution_margin: number
}
export interface SurveyAnswerItem {
  event_id: string
  type: 'survey_answer' | 'rating'
  ts: string
  visitor_id: string
  survey?: string
  question?: string
  score?: number
  choice?: string
  text?: string
  subject?: string
  stars?: number
}
export interface CustomerView {
  customer_id: string
  profile: {
    email: string
    name: string
    segment: string
    created_at: string | null
    attributes: Record<string, string>
    marketing_consent: { granted: boolean; at: string | null } | null
  } | null
  class: AbcClassName
  abc: { from: string; to: string; revenue: number; revenue_above: number; total: number }
  lifetime_revenue: number
  orders: number
  average_order_value: number
  order_history: { order_id: string; ts: string; revenue: number; currency: string; cost_of_goods: number | null; returned: boolean; source: string; visitor_id: string | null }[]
  first_seen: string | null
  last_seen: string | null
  clv: { historic: number; predicted: number; predicted_margin: number | null; orders_per_year: number; lifetime_years: number }
  open_complaints: Contact[]
  last_service_contact: Contact | null
  visitors: { visitor_id: string; source: string; linked_at: string; first_seen: string | null; last_seen: string | null }[]
  consent: { analytics: ConsentPurpose | null; marketing: ConsentPurpose | null }
  sessions: Paged<SessionItem>
  timeline: Paged<TimelineItem>
  journey: JourneyPhase[]
  value: CustomerValueRow | null
  survey_answers: SurveyAnswerItem[]
  rfm: { from: string; to: string; r: number | null; f: number | null; m: number | null; segment: string | null } | null
  recommendations: {
    cross_sell: { sku: string; expected_lift: number; because: string[] }[]
    up_sell: { viewed: string; category: string; viewed_price: number; sku: string; price: number }[]
  } | null
}

export interface AbcAnswer {
  from: string
  to: string
  classes: { class: AbcClassName; customers: number; revenue: number; share: number }[]
  /** The ranking's settings: A while the revenue above is below `a` of the total, B below `b`. */
  thresholds: { a: number; b: number }
}

export interface RfmAnswer {
  from: string
  to: string
  previous_from: string
  previous_to: string
  customers: number
  revenue: number
  segments: { segment: string; customers: number; revenue: number }[]
  scores: { score: number; recency: number; frequency: number; monetary: number }[]
  movement: { from_segment: string; to_segment: string; customers: number }[]
}

export interface ValueGroup {
  class?: string
  channel?: string
  campaign?: string
  figures: ValueFigures
  revenue_per_customer: number
  margin_per_customer: number
  acquisition_cost_per_new_customer: number
  service_cost_per_customer: number
  contribution_margin_per_customer: number
}
export interface ValueAnswer {
  from: string
  to: string
  group_by: string | null
  totals: ValueFigures
  sort?: string
  order?: string
  page?: number
  limit?: number
  customers?: CustomerValueRow[]
  groups?: ValueGroup[]
}

export interface NpsRow {
  survey: string
  question: string
  by: string
  value: string
  answers: number
  promoters: number
  passives: number
  detractors: number
  nps: number
}
export interface RatingRow {
  t: string
  by: string
  value: string
  ratings: number
  average_stars: number | null
}
export interface SurveysAnswer {
  from: string
  to: string
  time_zone: string
  interval: string
  nps: NpsRow[]
  ratings: RatingRow[]
  rating_series: RatingRow[]
}

export interface FunnelStep {
  type: string
  path?: string
  name?: string
}
export interface SegmentFilters {
  events?: string[] | null
  class?: string[] | null
  rfm_segment?: string[] | null
  last_seen?: { before?: string | null; after?: string | null; within_days?: number | null } | null
  dropped_at?: { steps?: FunnelStep[] | null; window_seconds?: number | null; step?: number | null } | null
}
export interface Segment {
  id: string
  name: string
  period_days: number
  filters: SegmentFilters
  webhook: { url: string; has_secret: boolean } | null
  created_at: string
  updated_at: string
}
export interface SegmentCustomers {
  segment_id: string
  name: string
  total: number
  held_back: number
  page: number
  page_size: number
  customers: { customer_id: string; email: string; name: string }[]
}
export interface SegmentDelivery {
  delivery_id: string
  time: string
  attempt: number
  status_code: number
  result: string
  entered: number
  left: number
}
export interface SegmentRun {
  run_id: string
  entered: number
  left: number
  held_back: number
  sent: boolean
  delivered: boolean
  attempts: number
}
