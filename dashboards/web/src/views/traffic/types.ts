// The answers of the reports this area reads (docs/reports.md: funnel, transitions, paths); breakdown's are in api.ts.

export interface FunnelStepSpec {
  type: string
  path?: string
  name?: string
}

export interface FunnelStep {
  step: number
  description: string
  type: string
  path: string | null
  name: string | null
  persons: number
  conversion_from_previous: number
  conversion_from_first: number
  median_seconds_from_previous: number | null
  drop_off: number
}

export interface FunnelAnswer {
  from: string
  to: string
  window_seconds: number
  steps: FunnelStep[]
  breakdown_dimension: string | null
  breakdown: { value: string; steps: FunnelStep[] }[] | null
  /** With `drop_off=k` in the request: the identified customers who reached step k and not k+1. */
  drop_off: DropOffAnswer | null
}

export interface DropOffAnswer {
  step: number
  total: number
  page: number
  page_size: number
  customers: string[]
}

export interface TransitionRow {
  path: string
  sessions: number
}

export interface TransitionsAnswer {
  page: string
  from: string
  to: string
  previous: TransitionRow[]
  next: TransitionRow[]
}

export interface PathNode {
  id: number
  step: number
  path: string
  sessions: number
}

export interface PathsAnswer {
  page: string
  direction: 'from' | 'to'
  depth: number
  from: string
  to: string
  nodes: PathNode[]
  links: { source: number; target: number; sessions: number }[]
}
