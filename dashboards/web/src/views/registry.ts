// Every view of the app in one list: its path, its label, its group in the navigation and the roles that may open
// it. The shell draws the navigation from it and refuses a view to a role not listed, by link too (the API refuses
// the data anyway; this keeps a marketer from even seeing the privacy pages). A view's path also answers its
// sub-paths (`/customers/C-1` opens `/customers`'s view, which reads the rest of the path).
import type { ComponentType } from 'preact'
import type { Me, Site } from '../api'
import type { Key } from '../i18n'
import type { ViewState } from '../state'
import { Overview } from './Overview'
import { Funnel } from './traffic/Funnel'
import { Pages } from './traffic/Pages'
import { Paths } from './traffic/Paths'
import { Sources } from './traffic/Sources'
import { Forms, Goals, Journeys, Realtime, Retention } from './behaviour'
import { Abc } from './crm/Abc'
import { Customers } from './crm/Customers'
import { Rfm } from './crm/Rfm'
import { Segments } from './crm/Segments'
import { Surveys } from './crm/Surveys'
import { Value } from './crm/Value'
import { Audit } from './privacy/Audit'
import { Consent } from './privacy/Consent'
import { Requests } from './privacy/Requests'
import { Retention as DataRetention } from './privacy/Retention'
import { Sites } from './admin/Sites'
import { System } from './admin/System'
import { Users } from './admin/Users'

export type Role = 'admin' | 'marketer' | 'privacy_officer' | 'service'
export type Group = 'marketing' | 'crm' | 'privacy' | 'admin'
export const GROUPS: Group[] = ['marketing', 'crm', 'privacy', 'admin']

export interface ViewProps {
  site: Site
  sites: Site[]
  me: Me
  /** The whole path, e.g. `/customers/C-1`. */
  path: string
  state: ViewState
  onChange: (s: ViewState) => void
}

export interface ViewDef {
  path: string
  label: Key
  group: Group
  roles: readonly Role[]
  component: ComponentType<ViewProps>
}

/** Who reads reports (API: marketer and admin). */
export const MARKETING: readonly Role[] = ['admin', 'marketer']
/** Who opens customers and the 360-degree view (API: also customer service). */
export const CUSTOMERS: readonly Role[] = ['admin', 'marketer', 'service']
/** Who answers data-subject requests. */
export const PRIVACY: readonly Role[] = ['admin', 'privacy_officer']
export const ADMIN: readonly Role[] = ['admin']

export const VIEWS: ViewDef[] = [
  { path: '/overview', label: 'overview', group: 'marketing', roles: MARKETING, component: Overview },
  { path: '/sources', label: 'tr_sources', group: 'marketing', roles: MARKETING, component: Sources },
  { path: '/pages', label: 'tr_pages', group: 'marketing', roles: MARKETING, component: Pages },
  { path: '/funnel', label: 'tr_funnel', group: 'marketing', roles: MARKETING, component: Funnel },
  { path: '/paths', label: 'tr_paths', group: 'marketing', roles: MARKETING, component: Paths },
  { path: '/journeys', label: 'journeys', group: 'marketing', roles: MARKETING, component: Journeys },
  { path: '/forms', label: 'forms', group: 'marketing', roles: MARKETING, component: Forms },
  { path: '/retention', label: 'retention', group: 'marketing', roles: MARKETING, component: Retention },
  { path: '/goals', label: 'goals', group: 'marketing', roles: MARKETING, component: Goals },
  { path: '/realtime', label: 'realtime', group: 'marketing', roles: MARKETING, component: Realtime },
  { path: '/customers', label: 'crm_customers', group: 'crm', roles: CUSTOMERS, component: Customers },
  { path: '/abc', label: 'crm_abc', group: 'crm', roles: MARKETING, component: Abc },
  { path: '/rfm', label: 'crm_rfm', group: 'crm', roles: MARKETING, component: Rfm },
  { path: '/value', label: 'crm_valueTitle', group: 'crm', roles: MARKETING, component: Value },
  { path: '/surveys', label: 'crm_surveys', group: 'crm', roles: MARKETING, component: Surveys },
  { path: '/segments', label: 'crm_segmentsTitle', group: 'crm', roles: MARKETING, component: Segments },
  { path: '/privacy/requests', label: 'pv_requests', group: 'privacy', roles: PRIVACY, component: Requests },
  { path: '/privacy/consent', label: 'pv_consent', group: 'privacy', roles: PRIVACY, component: Consent },
  { path: '/privacy/audit', label: 'pv_audit', group: 'privacy', roles: PRIVACY, component: Audit },
  { path: '/privacy/retention', label: 'pv_retention', group: 'privacy', roles: PRIVACY, component: DataRetention },
  { path: '/admin/sites', label: 'ad_sites', group: 'admin', roles: ADMIN, component: Sites },
  { path: '/admin/users', label: 'ad_users', group: 'admin', roles: ADMIN, component: Users },
  { path: '/admin/system', label: 'ad_system', group: 'admin', roles: ADMIN, component: System },
]

/** The view of a path (its own or a parent's), or undefined. */
export const findView = (path: string, views: ViewDef[] = VIEWS) =>
  views.find((v) => path === v.path || path.startsWith(v.path + '/'))

export const mayOpen = (view: ViewDef, role: string) => (view.roles as readonly string[]).includes(role)

/** Where a role lands after signing in: its first view. */
export const homeFor = (role: string, views: ViewDef[] = VIEWS) => views.find((v) => mayOpen(v, role))?.path ?? '/overview'
