// The admin API's answers as the views read them (README "API": sites, users, tokens, links, /api/info).
export type { SiteRecord } from '../privacy/types'

export const ROLES = ['admin', 'marketer', 'privacy_officer', 'service', 'metrics'] as const

export interface Token {
  token_id: string
  created_at: string
}

/** GET /api/users. */
export interface User {
  id: string
  name: string
  role: string
  deactivated: boolean
  created_at: string
  tokens: Token[]
}

/** POST /api/users → 201: the user and its first API token (shown once). */
export interface CreatedUser {
  id: string
  name: string
  role: string
  token_id: string
  token: string
}

/** POST /api/users/{id}/tokens → 201. */
export interface IssuedToken {
  token_id: string
  token: string
}

/** POST /api/users/{id}/invitation and /signin-link → 201. */
export interface Link {
  url: string
  token: string
  expires_at: string
}

/** GET /api/sites/{key}/members. */
export interface Member {
  user_id: string
  name: string
  role: string
  deactivated: boolean
}

/** GET /api/info. */
export interface Info {
  version: string | null
  engine: string
  database: string
  geoip: {
    configured: boolean
    database_type: string | null
    attribution: string | null
    attribution_url: string | null
  }
}
