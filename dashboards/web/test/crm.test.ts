import { parseState } from '../src/state'
import { describe, expect, it } from 'vitest'
import {
  customerIdOf, customerPath, customerQuery, customersQuery, emptySegmentForm, pageCount, parseCustomerList, parseStep, parseValue,
  RFM_GRID, RFM_SEGMENTS, segmentBody, segmentForm, shade, valueParams, viewUrl,
} from '../src/views/crm/logic'

describe('the customer list in the URL', () => {
  it('reads q, class, segment and page, dropping what is not one', () => {
    expect(parseCustomerList('?site=s&q=ann&class=B&segment=vip&page=3')).toEqual({ q: 'ann', class: 'B', segment: 'vip', page: 3 })
    expect(parseCustomerList('?class=D&page=0')).toEqual({ q: '', class: '', segment: '', page: 1 })
    expect(parseCustomerList('?page=2.5').page).toBe(1)
  })

  it('writes them after the shell state, page 1 and empty values left out', () => {
    const state = { site: 's', from: '2026-01-01', filters: [] }
    expect(viewUrl('/customers', state, { q: 'ann', class: '', page: 1 })).toBe('/customers?site=s&from=2026-01-01&q=ann')
    expect(viewUrl('/customers', state, { page: 2 })).toBe('/customers?site=s&from=2026-01-01&page=2')
    expect(viewUrl('/x', { filters: [] }, { page: 2 })).toBe('/x?page=2')
    expect(viewUrl('/x', { filters: [] }, {})).toBe('/x')
    // The URL's own parameters (state.params) are replaced, not repeated: a new search is the only q.
    expect(viewUrl('/customers', parseState('?site=s&q=old&page=3'), { q: 'new' })).toBe('/customers?site=s&q=new')
  })

  it('asks the API with the range as the A/B/C period and the list state', () => {
    const q = new URLSearchParams(customersQuery({ site: 's', to: '2026-02-01', filters: [] }, { q: ' ann ', class: 'A', segment: '', page: 2 }, 50))
    expect(Object.fromEntries(q)).toEqual({ site: 's', to: '2026-02-01', q: 'ann', class: 'A', page: '2', page_size: '50' })
  })
})

describe('the 360-degree path', () => {
  it('takes the id from the rest of the path, encoded both ways', () => {
    expect(customerIdOf('/customers')).toBeNull()
    expect(customerIdOf('/customers/')).toBeNull()
    expect(customerIdOf('/customers/C-1')).toBe('C-1')
    expect(customerIdOf(customerPath('a/b c%'))).toBe('a/b c%')
    expect(customerIdOf('/customers/%E0%A4%A')).toBe('%E0%A4%A') // not decodable: as it is
  })

  it('pages sessions and the timeline', () => {
    const q = new URLSearchParams(customerQuery({ site: 's', filters: [] }, 2, 3))
    expect(q.get('sessions_page')).toBe('2')
    expect(q.get('timeline_page')).toBe('3')
    expect(q.has('from')).toBe(false)
  })

  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(1)
    expect(pageCount(50, 50)).toBe(1)
    expect(pageCount(51, 50)).toBe(2)
  })
})

describe('RFM', () => {
  it('has the 5 × 5 table with every named segment', () => {
    expect(RFM_GRID.map((r) => r.r)).toEqual([5, 4, 3, 2, 1])
    for (const row of RFM_GRID) expect(row.cells).toHaveLength(5)
    expect(new Set(RFM_GRID.flatMap((r) => r.cells))).toEqual(new Set(RFM_SEGMENTS))
    expect(RFM_GRID[0].cells[4]).toBe('champions')
    expect(RFM_GRID[4].cells[0]).toBe('lost')
  })

  it('shades a count among the largest: none, then four steps', () => {
    expect(shade(0, 10)).toBe(0)
    expect(shade(1, 10)).toBe(1)
    expect(shade(5, 10)).toBe(2)
    expect(shade(10, 10)).toBe(4)
    expect(shade(3, 0)).toBe(0)
  })
})

describe('the value view', () => {
  it('reads group_by, sort, order and page', () => {
    expect(parseValue('')).toEqual({ groupBy: 'customer', sort: 'contribution_margin', order: '', page: 1 })
    expect(parseValue('?group_by=channel&sort=revenue&order=asc&page=2')).toEqual({ groupBy: 'channel', sort: 'revenue', order: 'asc', page: 2 })
    expect(parseValue('?group_by=x&sort=y&order=z').groupBy).toBe('customer')
  })

  it('asks per group or for a sorted page of customers', () => {
    expect(valueParams(parseValue('?group_by=class&page=4'))).toEqual({ group_by: 'class' })
    expect(valueParams(parseValue('?sort=orders&order=asc&page=2'))).toEqual({ sort: 'orders', order: 'asc', limit: '25', page: '2' })
  })
})

describe('the segment form', () => {
  it('sends only the filters given', () => {
    expect(segmentBody({ ...emptySegmentForm(), name: ' All ' })).toEqual({ name: 'All', period_days: 365, filters: {} })
  })

  it('builds every filter kind and the webhook', () => {
    const body = segmentBody({
      ...emptySegmentForm(), name: 'x', periodDays: '30', events: 'device:is:mobile\n\n country:is:DE ', classes: ['A'], rfm: ['champions'],
      seenAfter: '2026-01-01', withinDays: '7', dropSteps: 'pageview /cart\npurchase\nevent signup', dropStep: '1', dropWindow: '600',
      webhookUrl: 'https://h.example/x', webhookSecret: 'sixteen chars long',
    })
    expect(body).toEqual({
      name: 'x', period_days: 30,
      filters: {
        events: ['device:is:mobile', 'country:is:DE'], class: ['A'], rfm_segment: ['champions'], last_seen: { after: '2026-01-01', within_days: 7 },
        dropped_at: { steps: [{ type: 'pageview', path: '/cart' }, { type: 'purchase' }, { type: 'event', name: 'signup' }], step: 1, window_seconds: 600 },
      },
      webhook: { url: 'https://h.example/x', secret: 'sixteen chars long' },
    })
  })

  it('reads a saved segment back into the form (the secret stays empty: the stored one is kept)', () => {
    const f = segmentForm({
      name: 'x', period_days: 30,
      filters: { events: ['a:is:b'], class: ['B'], rfm_segment: null, last_seen: { before: '2026-06-01T00:00:00+00:00', within_days: null }, dropped_at: { steps: [{ type: 'pageview', path: '/cart' }, { type: 'purchase' }], step: 1 } },
      webhook: { url: 'https://h.example/x' },
    })
    expect(f).toMatchObject({ events: 'a:is:b', classes: ['B'], rfm: [], seenBefore: '2026-06-01', withinDays: '', dropSteps: 'pageview /cart\npurchase', dropStep: '1', webhookUrl: 'https://h.example/x', webhookSecret: '' })
    expect(segmentBody(f).webhook).toEqual({ url: 'https://h.example/x' })
  })

  it('reads a step line', () => {
    expect(parseStep('pageview')).toEqual({ type: 'pageview' })
    expect(parseStep('pageview /a b')).toEqual({ type: 'pageview', path: '/a b' })
    expect(parseStep('event sign up')).toEqual({ type: 'event', name: 'sign up' })
  })
})

describe('who opens the customer and CRM views', async () => {
  const { VIEWS, findView, mayOpen } = await import('../src/views/registry')
  it('gives customer service the customers and the 360-degree page only, marketers and admins all', () => {
    const crm = VIEWS.filter((v) => v.group === 'crm')
    expect(crm.map((v) => v.path)).toEqual(['/customers', '/abc', '/rfm', '/value', '/surveys', '/segments'])
    expect(crm.filter((v) => mayOpen(v, 'service')).map((v) => v.path)).toEqual(['/customers'])
    expect(mayOpen(findView('/customers/C-1')!, 'service')).toBe(true)
    for (const v of crm) {
      expect(mayOpen(v, 'marketer')).toBe(true)
      expect(mayOpen(v, 'admin')).toBe(true)
      expect(mayOpen(v, 'privacy_officer')).toBe(false)
    }
  })
})
