// The fetch layer: same-origin cookie credentials, the anti-forgery header on every state change
// (GET /api/auth/csrf), and problem+json errors turned into an ApiError whose message is the problem's detail.

export interface FieldError {
  field: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title)
  }
}

/** A problem+json body (RFC 9457) as an ApiError; `errors` as the reports give it (a list) or as ASP.NET's validation (a map). */
export function toApiError(status: number, body: unknown, statusText = ''): ApiError {
  const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const title = typeof p.title === 'string' ? p.title : statusText || `HTTP ${status}`
  const detail = typeof p.detail === 'string' ? p.detail : ''
  const errors: FieldError[] = []
  if (Array.isArray(p.errors)) {
    for (const e of p.errors) if (e && typeof e === 'object') errors.push({ field: String(e.field ?? ''), message: String(e.message ?? '') })
  } else if (p.errors && typeof p.errors === 'object') {
    for (const [field, messages] of Object.entries(p.errors as Record<string, unknown>))
      for (const message of Array.isArray(messages) ? messages : [messages]) errors.push({ field, message: String(message) })
  }
  return new ApiError(status, title, detail, errors)
}

type Fetch = typeof fetch

export interface Api {
  get<T>(path: string, signal?: AbortSignal): Promise<T>
  /** A state change; `anonymous` for signing in (nobody to protect yet: no token is fetched first, and a signed-in
   *  browser's refusal still fetches one and tries again). */
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, options?: { anonymous?: boolean }): Promise<T>
  /** Forgets the anti-forgery token: it belongs to one signed-in user (after sign-in or sign-out). */
  resetCsrf(): void
}

export function createApi(fetchImpl: Fetch = (...a) => fetch(...a)): Api {
  let csrf: Promise<{ token: string; header: string } | null> | null = null

  const csrfToken = () =>
    (csrf ??= fetchImpl('/api/auth/csrf', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(async (r) => (r.ok ? ((await r.json()) as { token: string; header: string }) : null)) // 401: not signed in, none needed
      .catch(() => null))

  async function call<T>(method: string, path: string, body: unknown, signal?: AbortSignal, retried = false, anonymous = false): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'GET' && !(anonymous && !retried)) {
      const t = await csrfToken()
      if (t) headers[t.header] = t.token
    }
    const r = await fetchImpl(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
    if (r.ok) return (r.status === 204 ? undefined : await r.json()) as T
    const type = r.headers.get('Content-Type') || ''
    const problem = type.includes('json') ? await r.json().catch(() => null) : null
    const error = toApiError(r.status, problem, r.statusText)
    // A token of an earlier session: fetch a new one, once.
    if (r.status === 403 && method !== 'GET' && !retried && /anti-forgery/i.test(error.title)) {
      csrf = null
      return call(method, path, body, signal, true)
    }
    throw error
  }

  return {
    get: (path, signal) => call('GET', path, undefined, signal),
    send: (method, path, body, options) => call(method, path, body, undefined, false, options?.anonymous),
    resetCsrf: () => {
      csrf = null
    },
  }
}

export const api = createApi()

// The answers this slice reads (docs/reports.md, README "API").
export interface Me {
  id: string
  name: string
  role: string
}
export interface Site {
  id: string
  key: string
  name: string
  domains: string[]
  time_zone: string
  snippet: string
}
export interface Totals {
  visitors: number
  sessions: number
  pageviews: number
  bounce_rate: number
  avg_session_seconds: number
}
export interface SeriesPoint extends Totals {
  t: string
}
export interface Overview extends Totals {
  from: string
  to: string
  time_zone: string
  interval: string
  series: SeriesPoint[]
  previous: Totals & { from: string; to: string }
}
export interface BreakdownRow extends Totals {
  value: string
}
export interface Breakdown {
  dimension: string
  rows: BreakdownRow[]
}
