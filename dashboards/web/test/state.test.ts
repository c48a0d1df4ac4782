import { describe, expect, it } from 'vitest'
import { addFilter, formatFilter, parseFilter, parseState, presetOf, presetRange, removeFilter, reportQuery, serializeState, withRange } from '../src/state'

describe('filters', () => {
  it('reads DIMENSION:OPERATOR:VALUE with the value after the second colon', () => {
    expect(parseFilter('country:is:DE')).toEqual({ dimension: 'country', operator: 'is', value: 'DE' })
    expect(parseFilter('page:is:/a:b')).toEqual({ dimension: 'page', operator: 'is', value: '/a:b' })
    expect(parseFilter('utm_source:is:')).toEqual({ dimension: 'utm_source', operator: 'is', value: '' })
    expect(parseFilter('device:in:mobile|tablet')).toEqual({ dimension: 'device', operator: 'in', value: 'mobile|tablet' })
  })

  it('refuses what is not a filter', () => {
    expect(parseFilter('country')).toBeNull()
    expect(parseFilter('country:DE')).toBeNull()
    expect(parseFilter('country:like:DE')).toBeNull()
    expect(parseFilter(':is:DE')).toBeNull()
  })

  it('writes a filter back as it was read', () => {
    for (const raw of ['country:is:DE', 'page:contains:/a:b', 'device:in:mobile|tablet', 'utm_source:is_not:'])
      expect(formatFilter(parseFilter(raw)!)).toBe(raw)
  })
})

describe('URL state', () => {
  it('reads site, range and filters; drops malformed parts and duplicates', () => {
    const s = parseState('?site=demo&from=2026-03-01&to=2026-03-31&filter=country:is:DE&filter=bad&filter=country:is:DE&filter=page:is:/a%3Ab')
    expect(s).toEqual({
      site: 'demo',
      from: '2026-03-01',
      to: '2026-03-31',
      filters: [
        { dimension: 'country', operator: 'is', value: 'DE' },
        { dimension: 'page', operator: 'is', value: '/a:b' },
      ],
    })
    expect(parseState('?from=yesterday&to=2026-3-1')).toEqual({ filters: [] })
    expect(parseState('')).toEqual({ filters: [] })
  })

  it('round-trips through the URL (reload and share keep the view)', () => {
    const states = [
      { filters: [] },
      { site: 'demo', filters: [] },
      { site: 'demo', from: '2026-03-01', to: '2026-03-31', filters: [{ dimension: 'page', operator: 'contains' as const, value: '/shoes?x=1&y=ä' }] },
      { site: 'k', filters: [{ dimension: 'device', operator: 'in' as const, value: 'mobile|tablet' }, { dimension: 'country', operator: 'is_not' as const, value: '' }] },
    ]
    for (const s of states) expect(parseState(serializeState(s))).toEqual(s)
  })

  it('writes a readable, canonical query', () => {
    expect(serializeState({ filters: [] })).toBe('')
    expect(serializeState({ to: '2026-03-31', site: 'demo', from: '2026-03-01', filters: [{ dimension: 'page', operator: 'is', value: '/a/b' }] })).toBe(
      '?site=demo&from=2026-03-01&to=2026-03-31&filter=page:is:/a/b',
    )
  })

  it('adds a filter once; a click on another value of a dimension replaces its `is` filter', () => {
    let s = parseState('?site=demo')
    s = addFilter(s, { dimension: 'country', operator: 'is', value: 'DE' })
    expect(addFilter(s, { dimension: 'country', operator: 'is', value: 'DE' })).toBe(s)
    s = addFilter(s, { dimension: 'device', operator: 'is', value: 'mobile' })
    s = addFilter(s, { dimension: 'country', operator: 'is', value: 'FR' })
    expect(s.filters.map(formatFilter)).toEqual(['device:is:mobile', 'country:is:FR'])
    s = addFilter(s, { dimension: 'country', operator: 'is_not', value: 'US' })
    expect(s.filters.map(formatFilter)).toEqual(['device:is:mobile', 'country:is:FR', 'country:is_not:US'])
    expect(removeFilter(s, 1).filters.map(formatFilter)).toEqual(['device:is:mobile', 'country:is_not:US'])
  })

  it('orders an inverted range and clears an empty one', () => {
    const s = parseState('?site=demo&from=2026-03-01&to=2026-03-31')
    expect(withRange(s, '2026-04-10', '2026-04-01')).toMatchObject({ from: '2026-04-01', to: '2026-04-10' })
    expect(serializeState(withRange(s))).toBe('?site=demo')
  })

  it('asks the reports with the same parameters the URL holds', () => {
    const s = parseState('?site=demo&from=2026-03-01&to=2026-03-31&filter=country:is:DE&filter=page:is:/a:b')
    const q = new URLSearchParams(reportQuery(s, { dimension: 'page', limit: '10' }))
    expect(q.get('site')).toBe('demo')
    expect(q.get('from')).toBe('2026-03-01')
    expect(q.get('to')).toBe('2026-03-31')
    expect(q.get('dimension')).toBe('page')
    expect(q.getAll('filter')).toEqual(['country:is:DE', 'page:is:/a:b'])
  })
})

describe('date presets', () => {
  const today = new Date(2026, 2, 15) // 15 March 2026, local

  it('count today in', () => {
    expect(presetRange('today', today)).toEqual({ from: '2026-03-15', to: '2026-03-15' })
    expect(presetRange('7d', today)).toEqual({ from: '2026-03-09', to: '2026-03-15' })
    expect(presetRange('30d', today)).toEqual({ from: '2026-02-14', to: '2026-03-15' })
    expect(presetRange('month', today)).toEqual({ from: '2026-03-01', to: '2026-03-15' })
    expect(presetRange('last_month', today)).toEqual({ from: '2026-02-01', to: '2026-02-28' })
  })

  it('are recognised in a URL; no range is the reports’ default, the last 30 days', () => {
    expect(presetOf({ filters: [] }, today)).toBe('30d')
    expect(presetOf({ from: '2026-03-09', to: '2026-03-15', filters: [] }, today)).toBe('7d')
    expect(presetOf({ from: '2026-01-01', to: '2026-01-02', filters: [] }, today)).toBeUndefined()
  })
})
