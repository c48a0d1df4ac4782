import { describe, expect, it } from 'vitest'
import { intParam, ownParams, subPath, viewUrl } from '../src/views/privacy/load'
import { auditQuery, pageCount } from '../src/views/privacy/Audit'
import { subjectOf } from '../src/views/privacy/Consent'
import { mayOpen, VIEWS } from '../src/views/registry'

describe('the privacy views\' URL state', () => {
  it('keeps a view\'s own parameters after the shell\'s state', () => {
    const state = { site: 'shop', from: '2026-11-01', to: '2026-11-30', filters: [] }
    expect(viewUrl('/privacy/requests', state, { status: 'queued' })).toBe('/privacy/requests?site=shop&from=2026-11-01&to=2026-11-30&status=queued')
    expect(viewUrl('/privacy/requests', state, { status: '' })).toBe('/privacy/requests?site=shop&from=2026-11-01&to=2026-11-30')
    expect(viewUrl('/privacy/consent', { filters: [] }, { visitor_id: 'v 1&x' })).toBe('/privacy/consent?visitor_id=v+1%26x')
    expect(viewUrl('/privacy/audit', { filters: [] })).toBe('/privacy/audit')
  })

  it('reads only the named parameters, without empty ones', () => {
    expect(ownParams('?site=a&status=&page=2&x=1', ['status', 'page'] as const)).toEqual({ page: '2' })
  })

  it('takes whole numbers in range only', () => {
    expect(intParam('3', 1, 1, 10)).toBe(3)
    expect(intParam('0', 1, 1, 10)).toBe(1)
    expect(intParam('11', 1, 1, 10)).toBe(1)
    expect(intParam('2.5', 1, 1, 10)).toBe(1)
    expect(intParam('-2', 1, 1, 10)).toBe(1)
    expect(intParam(undefined, 7, 1, 10)).toBe(7)
  })

  it('finds the id under a view\'s path', () => {
    expect(subPath('/privacy/requests', '/privacy/requests')).toBeUndefined()
    expect(subPath('/privacy/requests/', '/privacy/requests')).toBeUndefined()
    expect(subPath('/privacy/requests/abc', '/privacy/requests')).toBe('abc')
    expect(subPath('/admin/users/u%201', '/admin/users')).toBe('u 1')
    expect(subPath('/privacy/requestsX', '/privacy/requests')).toBeUndefined()
  })

  it('asks the audit log for the shell\'s range and the URL\'s page', () => {
    expect(auditQuery('shop', undefined, undefined, '').query).toBe('site=shop&page=1&page_size=100')
    const q = auditQuery('shop', '2026-11-01', '2026-11-30', '?page=3&page_size=25')
    expect(q).toEqual({ page: 3, size: 25, query: 'site=shop&from=2026-11-01&to=2026-11-30&page=3&page_size=25' })
    expect(auditQuery('shop', undefined, undefined, '?page=0&page_size=5000')).toMatchObject({ page: 1, size: 100 })
    expect(pageCount(0, 100)).toBe(1)
    expect(pageCount(100, 100)).toBe(1)
    expect(pageCount(101, 100)).toBe(2)
  })

  it('reads the consent subject from the URL', () => {
    expect(subjectOf('?site=a')).toBeNull()
    expect(subjectOf('?visitor_id=v1')).toEqual({ key: 'visitor_id', id: 'v1' })
    expect(subjectOf('?customer_id=C-1')).toEqual({ key: 'customer_id', id: 'C-1' })
  })

  it('registers the privacy views for privacy officers and admins, the admin views for admins only', () => {
    const privacy = VIEWS.filter((v) => v.group === 'privacy')
    const admin = VIEWS.filter((v) => v.group === 'admin')
    expect(privacy.map((v) => v.path)).toEqual(['/privacy/requests', '/privacy/consent', '/privacy/audit', '/privacy/retention'])
    expect(admin.map((v) => v.path)).toEqual(['/admin/sites', '/admin/users', '/admin/system'])
    for (const v of privacy) expect(['admin', 'privacy_officer', 'marketer', 'service'].filter((r) => mayOpen(v, r))).toEqual(['admin', 'privacy_officer'])
    for (const v of admin) expect(['admin', 'privacy_officer', 'marketer', 'service'].filter((r) => mayOpen(v, r))).toEqual(['admin'])
  })
})
