// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { channelLabel, formatAmount, formatSeconds } from '../src/views/behaviour/format'
import { goalBody } from '../src/views/behaviour/Goals'
import { choice, COHORTS, MODELS, param, PERIODS, viewUrl } from '../src/views/behaviour/params'
import { poll, type PollTarget } from '../src/views/behaviour/poll'
import { shade } from '../src/views/behaviour/Retention'

describe("the behaviour views' own URL state", () => {
  it('reads a switch, falling back to its first choice for a missing or unknown value', () => {
    expect(choice('?model=linear', 'model', MODELS)).toBe('linear')
    expect(choice('?model=nonsense', 'model', MODELS)).toBe('first_touch')
    expect(choice('', 'period', PERIODS)).toBe('week')
    expect(choice('?cohort=first_purchase', 'cohort', COHORTS)).toBe('first_purchase')
    expect(choice('?cohort=purchase', 'cohort', COHORTS)).toBe('first_purchase') // the API's alias
  })

  it('reads a free parameter', () => {
    expect(param('?form=check%20out', 'form')).toBe('check out')
    expect(param('?site=a', 'form')).toBeUndefined()
  })

  it("writes the shell's state first, then the view's own parameters, leaving defaults out", () => {
    const state = { site: 'shop', from: '2026-03-01', to: '2026-03-31', filters: [{ dimension: 'page', operator: 'is' as const, value: '/a:b' }] }
    expect(viewUrl('/journeys', state, { model: 'linear' }, { model: 'first_touch' })).toBe(
      '/journeys?site=shop&from=2026-03-01&to=2026-03-31&filter=page:is:/a:b&model=linear')
    expect(viewUrl('/journeys', state, { model: 'first_touch' }, { model: 'first_touch' })).toBe(
      '/journeys?site=shop&from=2026-03-01&to=2026-03-31&filter=page:is:/a:b')
    expect(viewUrl('/retention', { site: 's', filters: [] }, { cohort: 'first_purchase', period: 'week' }, { cohort: 'first_visit', period: 'week' })).toBe(
      '/retention?site=s&cohort=first_purchase')
    expect(viewUrl('/forms', { filters: [] }, { form: undefined })).toBe('/forms')
    // Round trip: what is written is read back.
    const url = viewUrl('/forms', { site: 's', filters: [] }, { form: 'a&b' })
    expect(param(url.slice(url.indexOf('?')), 'form')).toBe('a&b')
  })
})

describe('the cohort grid shading', () => {
  it('goes from white to dark blue in steps, with a readable text colour on each', () => {
    expect(shade(0).step).toBe(0)
    expect(shade(0.1).step).toBe(1)
    expect(shade(0.5).step).toBe(3)
    expect(shade(1).step).toBe(5)
    expect(shade(0.5).color).toBe('#1b1f24')
    expect(shade(0.8).color).toBe('#ffffff')
  })

  it('keeps a contrast of at least 4.5:1 on every step', () => {
    const lum = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    for (const rate of [0, 0.1, 0.3, 0.5, 0.7, 0.9]) {
      const { background, color } = shade(rate)
      const [a, b] = [lum(background), lum(color)].sort((x, y) => y - x)
      expect((a + 0.05) / (b + 0.05)).toBeGreaterThanOrEqual(4.5)
    }
  })
})

describe('a goal from the form', () => {
  it('sends a path for a pageview goal and an event name for an event goal, trimmed', () => {
    expect(goalBody(' Thanks ', 'pageview', ' /thanks ')).toEqual({ name: 'Thanks', type: 'pageview', path: '/thanks' })
    expect(goalBody('Signup', 'event', 'signup')).toEqual({ name: 'Signup', type: 'event', event_name: 'signup' })
  })
})

describe('formats', () => {
  it('shows amounts with two decimals and seconds with at most one, in the language', () => {
    expect(formatAmount(1234.5, 'en')).toBe('1,234.50')
    expect(formatAmount(1234.5, 'de')).toBe('1.234,50')
    expect(formatSeconds(48.5, 'en')).toBe('48.5 s')
    expect(formatSeconds(6, 'de')).toBe('6 s')
    expect(channelLabel('organic_search')).toBe('organic search')
  })
})

/** A fake clock and visibility for poll(). */
function fakeTarget() {
  let hidden = false
  let visibility: (() => void) | null = null
  const timers = new Map<number, () => void>()
  let next = 1
  const target: PollTarget = {
    hidden: () => hidden,
    onVisibility(fn) {
      visibility = fn
      return () => (visibility = null)
    },
    setTimeout(fn) {
      timers.set(next, fn)
      return next++
    },
    clearTimeout: (id) => timers.delete(id as number),
  }
  return {
    target,
    timers,
    fire: () => {
      const [[id, fn]] = [...timers]
      timers.delete(id)
      fn()
    },
    setHidden(h: boolean) {
      hidden = h
      visibility?.()
    },
    listening: () => visibility !== null,
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('polling', () => {
  it('ticks at once, then after each interval; stops when hidden and resumes at once when shown; ends on stop', async () => {
    const f = fakeTarget()
    let ticks = 0
    const stop = poll(async () => void ticks++, 5000, f.target)
    await settle()
    expect(ticks).toBe(1)
    expect(f.timers.size).toBe(1)
    f.fire()
    await settle()
    expect(ticks).toBe(2)

    f.setHidden(true)
    expect(f.timers.size).toBe(0) // nothing scheduled while hidden
    f.setHidden(false)
    await settle()
    expect(ticks).toBe(3) // at once on return
    expect(f.timers.size).toBe(1)

    stop()
    expect(f.timers.size).toBe(0)
    expect(f.listening()).toBe(false)
  })

  it('goes on after a failing tick', async () => {
    const f = fakeTarget()
    let ticks = 0
    const stop = poll(async () => {
      ticks++
      throw new Error('offline')
    }, 5000, f.target)
    await settle()
    f.fire()
    await settle()
    expect(ticks).toBe(2)
    stop()
  })
})

describe("the shell keeps a view's own parameters", () => {
  it('when the range or the filters change', async () => {
    const { parseState, serializeState, withRange, addFilter } = await import('../src/state')
    const state = parseState('?site=shop&from=2026-02-01&model=linear&filter=page:is:/a')
    const next = addFilter(withRange(state, '2026-03-01', '2026-03-31'), { dimension: 'device', operator: 'is', value: 'mobile' })
    expect(serializeState(next)).toBe('?site=shop&from=2026-03-01&to=2026-03-31&filter=page:is:/a&filter=device:is:mobile&model=linear')
    expect(serializeState(parseState('?form=a%26b'))).toBe('?form=a%26b')
  })

  it('and a switch back to its default leaves the URL without it', async () => {
    const { parseState } = await import('../src/state')
    const { viewUrl } = await import('../src/views/behaviour/params')
    expect(viewUrl('/journeys', parseState('?site=shop&model=linear'), { model: 'first_touch' }, { model: 'first_touch' })).toBe('/journeys?site=shop')
    expect(viewUrl('/journeys', parseState('?site=shop&model=linear'), { model: 'last_touch' })).toBe('/journeys?site=shop&model=last_touch')
  })
})
