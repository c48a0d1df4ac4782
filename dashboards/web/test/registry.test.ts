// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { findView, homeFor, mayOpen, VIEWS, type ViewDef } from '../src/views/registry'

const stub = () => null
const views: ViewDef[] = [
  { path: '/overview', label: 'overview', group: 'marketing', roles: ['admin', 'marketer'], component: stub },
  { path: '/customers', label: 'overview', group: 'crm', roles: ['admin', 'marketer', 'service'], component: stub },
  { path: '/privacy', label: 'overview', group: 'privacy', roles: ['admin', 'privacy_officer'], component: stub },
]

describe('the view registry', () => {
  it('finds a view by its path and its sub-paths, not by a prefix of a word', () => {
    expect(findView('/customers', views)?.path).toBe('/customers')
    expect(findView('/customers/C-1', views)?.path).toBe('/customers')
    expect(findView('/customersX', views)).toBeUndefined()
    expect(findView('/nope', views)).toBeUndefined()
  })

  it('lands each role on its first view', () => {
    expect(homeFor('marketer', views)).toBe('/overview')
    expect(homeFor('service', views)).toBe('/customers')
    expect(homeFor('privacy_officer', views)).toBe('/privacy')
  })

  it('keeps the privacy views from a marketer', () => {
    expect(mayOpen(views[2], 'marketer')).toBe(false)
    expect(mayOpen(views[2], 'privacy_officer')).toBe(true)
    for (const v of VIEWS.filter((v) => v.group === 'privacy')) expect(mayOpen(v, 'marketer')).toBe(false)
  })
})
