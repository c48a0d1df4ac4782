// The answers the behaviour views read (docs/reports.md: journeys, forms, retention, goals, realtime; README "API":
// goals and the recent events), as the API gives them (snake_case).

export interface Range {
  from: string
  to: string
}

export interface JourneySequence {
  channels: string[]
  conversions: number
  revenue: number
}
export interface Attribution {
  first_touch: number
  last_touch: number
  linear: number
}
export interface Journeys extends Range {
  conversions: number
  revenue: number
  sequences: JourneySequence[]
  attribution: (Attribution & { channel: string })[]
  campaigns: (Attribution & { campaign: string })[]
}

export interface FormField {
  field: string
  interactions: number
  median_seconds: number
  last_before_abandon: number
}
export interface FormRow {
  form: string
  starts: number
  submits: number
  abandons: number
  abandon_rate: number
  median_seconds_to_submit: number
  fields: FormField[]
}
export interface Forms extends Range {
  forms: FormRow[]
}

export interface Cohort {
  start: string
  persons: number
  returning: number[]
  rates: number[]
}
export interface Retention extends Range {
  time_zone: string
  cohort: string
  period: string
  cohorts: Cohort[]
}

export interface Goal {
  id: string
  name: string
  type: 'pageview' | 'event'
  path: string | null
  event_name: string | null
  created_at?: string
}
export interface GoalConversions extends Goal {
  persons: number
  sessions: number
  conversion_rate: number
}
export interface Goals extends Range {
  visitors: number
  goals: GoalConversions[]
  orders: number
  revenue: number
  average_order_value: number
}

export interface Realtime extends Range {
  persons: number
  pageviews: number
  pages: { path: string; persons: number }[]
  sources: { source: string; persons: number }[]
}

/** A stored event as GET /api/events/recent gives it (ClickHouse's columns; 64-bit integers may come as text). */
export interface RecentEvent {
  event_id: string
  ts_ms: number | string
  type: string
  name: string
  path: string
  source: string
  country: string
  device: string
  browser: string
}
