// The privacy API's answers as the views read them (docs/privacy.md).

export const REQUEST_TYPES = ['access', 'erasure'] as const
export type RequestType = (typeof REQUEST_TYPES)[number]
export const REQUEST_STATUSES = ['queued', 'running', 'completed', 'failed'] as const
export type RequestStatus = (typeof REQUEST_STATUSES)[number]
export const SUBJECT_KEYS = ['customer_id', 'visitor_id'] as const
export type SubjectKey = (typeof SUBJECT_KEYS)[number]

/** One personal table of a request: rows found; for an erasure also deleted and remaining after the deletes. */
export interface TableResult {
  table: string
  found: number
  deleted?: number
  remaining?: number
}

/** GET /api/privacy/requests/{id} and each row of GET /api/privacy/requests?site=. */
export interface PrivacyRequest {
  id: string
  site: string
  type: RequestType
  status: RequestStatus
  /** Which kind of id was given ("customer" or "visitor"); the id itself is never answered. */
  subject_key: string
  reference: string
  received_at: string
  due: string
  updated_at: string
  overdue: boolean
  tables: TableResult[]
  error?: string
  /** An erasure's tombstones (GET of one request only): one per id of the subject, at the erasure's time. */
  tombstones?: { count: number; erased_at: string }
}

/** POST /api/privacy/requests → 202. */
export interface CreatedRequest {
  id: string
  status: RequestStatus
  due: string
}

export interface PurposeState {
  granted: boolean
  at: string
  consent_id: string
  visitor_id: string
}

export interface ConsentProof {
  consent_id: string
  received_at: string
  visitor_id: string
  purposes: { analytics: boolean; marketing: boolean }
  policy_version: string
  source: string
  ip_truncated: string
  user_agent: string
}

/** GET /api/privacy/consents?site=&customer_id=|visitor_id=. */
export interface ConsentHistory {
  site: string
  subject: { customer_id: string | null; visitor_id: string | null }
  visitor_ids: string[]
  latest: Partial<Record<'analytics' | 'marketing', PurposeState>>
  proofs: ConsentProof[]
}

export interface AuditEntry {
  id: string
  at: string
  who: { user_id: string; role: string }
  what: { action: string; request_id: string; subject: string }
  result: string
  detail: string
}

/** GET /api/privacy/audit?site=&from=&to=&page=&page_size=. */
export interface AuditPage {
  site: string
  from: string
  to: string
  page: number
  page_size: number
  total: number
  entries: AuditEntry[]
}

/** GET /api/sites/{key}: the site record with its retention. */
export interface SiteRecord {
  id: string
  key: string
  name: string
  domains: string[]
  time_zone: string
  retention_days: number
  created_at: string
  snippet: string
  query_params: string[]
  identify_signed: boolean
  /** Only in GET /api/sites/{key}; null until the retention job first ran. */
  retention_last_run?: string | null
}
