import { describe, expect, it } from 'vitest'
import { parseState, serializeState, withParams } from '../src/state'
import {
  barOption, filterFor, windowText, formatStep, funnelBody, funnelOption, funnelParams, nodeName, parseStep, pick, sankeyOption, SOURCE_DIMENSIONS,
} from '../src/views/traffic/model'
import { pathsParams } from '../src/views/traffic/Paths'
import type { FunnelStep, PathsAnswer } from '../src/views/traffic/types'

describe("the views' own URL parameters", () => {
  it('are kept in order beside site, range and filters, and round-trip', () => {
    const s = parseState('?site=demo&step=pageview:/&filter=country:is:DE&step=pageview:/shoes/*&step=purchase&window=600')
    expect(s.filters).toEqual([{ dimension: 'country', operator: 'is', value: 'DE' }])
    expect(s.params).toEqual([['step', 'pageview:/'], ['step', 'pageview:/shoes/*'], ['step', 'purchase'], ['window', '600']])
    expect(parseState(serializeState(s))).toEqual(s)
    expect(serializeState(s)).toBe('?site=demo&filter=country:is:DE&step=pageview:/&step=pageview:/shoes/*&step=purchase&window=600')
  })

  it('are replaced by name; undefined drops a name, other names stay', () => {
    const s = parseState('?site=demo&dimension=page&page=/a')
    expect(withParams(s, { page: '/b' }).params).toEqual([['dimension', 'page'], ['page', '/b']])
    expect(withParams(s, { page: undefined }).params).toEqual([['dimension', 'page']])
    expect(withParams(s, { page: undefined, dimension: undefined }).params).toBeUndefined()
    expect(withParams(s, { step: ['a', 'b'] }).params).toEqual([['dimension', 'page'], ['page', '/a'], ['step', 'a'], ['step', 'b']])
  })

  it('pick an allowed value or the first', () => {
    expect(pick(parseState('?dimension=utm_campaign'), 'dimension', SOURCE_DIMENSIONS)).toBe('utm_campaign')
    expect(pick(parseState('?dimension=nonsense'), 'dimension', SOURCE_DIMENSIONS)).toBe('channel')
    expect(pick(parseState(''), 'dimension', SOURCE_DIMENSIONS)).toBe('channel')
  })

  it('read the paths: from or to a page (/ without one), depth 1..5', () => {
    expect(pathsParams(parseState(''))).toEqual({ direction: 'from', page: '/', depth: '3' })
    expect(pathsParams(parseState('?to_page=/cart&depth=5'))).toEqual({ direction: 'to', page: '/cart', depth: '5' })
    expect(pathsParams(parseState('?from_page=/a&depth=9'))).toEqual({ direction: 'from', page: '/a', depth: '3' })
  })
})

describe('a click on a row', () => {
  it('filters by the dimension where it is a filter, by page for entry and exit pages, not for a session dimension', () => {
    expect(filterFor('utm_campaign')).toBe('utm_campaign')
    expect(filterFor('channel')).toBe('channel')
    expect(filterFor('entry_page')).toBe('page')
    expect(filterFor('session_channel')).toBeNull()
  })
})

describe('funnel steps in the URL', () => {
  it('read and write TYPE or TYPE:VALUE (a path for pageviews, a name else)', () => {
    expect(parseStep('pageview:/shoes/*')).toEqual({ type: 'pageview', path: '/shoes/*' })
    expect(parseStep('pageview:/a:b')).toEqual({ type: 'pageview', path: '/a:b' })
    expect(parseStep('custom:signup')).toEqual({ type: 'custom', name: 'signup' })
    expect(parseStep('purchase')).toEqual({ type: 'purchase' })
    expect(parseStep('bad type')).toBeNull()
    for (const raw of ['pageview:/shoes/*', 'custom:signup', 'purchase', 'add_to_cart']) expect(formatStep(parseStep(raw)!)).toBe(raw)
  })

  it('make the request of POST /api/reports/funnel with the shared range and filters', () => {
    const s = parseState('?site=demo&from=2026-03-01&to=2026-03-31&filter=device:is:mobile&step=pageview:/&step=custom:signup&step=purchase&window=600&breakdown=channel&drop_off=2&page=3&step=x y')
    const f = funnelParams(s)
    expect(f).toEqual({
      steps: [{ type: 'pageview', path: '/' }, { type: 'custom', name: 'signup' }, { type: 'purchase' }],
      windowSeconds: 600, breakdown: 'channel', dropOff: 2, page: 3,
    })
    expect(funnelBody(s, f)).toEqual({
      site: 'demo', from: '2026-03-01', to: '2026-03-31', window_seconds: 600,
      steps: [{ type: 'pageview', path: '/' }, { type: 'custom', name: 'signup' }, { type: 'purchase' }],
      breakdown: 'channel', limit: 10, filter: ['device:is:mobile'],
    })
    // The drop-off list: the same funnel without the breakdown, with the step and the page.
    expect(funnelBody(s, f, 2)).toMatchObject({ drop_off: 2, page: 3, page_size: 100 })
    expect(funnelBody(s, f, 2)).not.toHaveProperty('breakdown')
    expect(funnelBody(parseState('?site=k&step=purchase&step=purchase'), funnelParams(parseState('?step=purchase&step=purchase')))).toEqual({
      site: 'k', steps: [{ type: 'purchase' }, { type: 'purchase' }],
    })
  })
})

describe('the funnel window', () => {
  it('reads in the largest whole unit, in the language', () => {
    expect(windowText(3600, 'en')).toBe('1 hour')
    expect(windowText(300, 'en')).toBe('5 minutes')
    expect(windowText(604800, 'de')).toBe('7 Tage')
  })
})

describe('chart options', () => {
  it('bars: the rows top first, the numbers as answered', () => {
    const rows = [{ value: 'a', visitors: 5, sessions: 6, pageviews: 7, bounce_rate: 0, avg_session_seconds: 0 }, { value: 'b', visitors: 2, sessions: 2, pageviews: 2, bounce_rate: 0, avg_session_seconds: 0 }]
    const o = barOption(rows, 'visitors')
    expect(o.yAxis.data).toEqual(['b', 'a'])
    expect(o.series[0].data).toEqual([2, 5])
  })

  it('funnel: a band per step in the steps order, its persons', () => {
    const step = (n: number, persons: number): FunnelStep => ({ step: n, description: 'd' + n, type: 'pageview', path: null, name: null, persons, conversion_from_previous: 1, conversion_from_first: 1, median_seconds_from_previous: null, drop_off: 0 })
    const o = funnelOption([step(1, 4), step(2, 3)], (s) => s.description)
    expect(o.series[0].sort).toBe('none')
    expect(o.series[0].data.map((d) => [d.name, d.value])).toEqual([['d1', 4], ['d2', 3]])
  })

  it('sankey: one node per step and path, links by name, columns from the leftmost step', () => {
    const p: PathsAnswer = {
      page: '/cart', direction: 'to', depth: 2, from: '', to: '',
      nodes: [{ id: 0, step: 0, path: '/cart', sessions: 3 }, { id: 1, step: -1, path: '/', sessions: 2 }, { id: 2, step: -1, path: '(entrance)', sessions: 1 }, { id: 3, step: -2, path: '/', sessions: 2 }],
      links: [{ source: 1, target: 0, sessions: 2 }, { source: 2, target: 0, sessions: 1 }, { source: 3, target: 1, sessions: 2 }],
    }
    const s = sankeyOption(p).series[0]
    expect(new Set(s.data.map((d) => d.name)).size).toBe(4)
    expect(s.data.map((d) => d.depth)).toEqual([2, 1, 1, 0])
    expect(s.links[2]).toEqual({ source: nodeName({ step: -2, path: '/' }), target: nodeName({ step: -1, path: '/' }), value: 2 })
  })
})
