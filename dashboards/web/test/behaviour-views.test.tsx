// @vitest-environment happy-dom
// The behaviour views over a stubbed API: they show the answer's numbers as given, ask with the view's own URL state,
// and change that state in the URL.
import { render, type ComponentType } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLang } from '../src/i18n'
import { navigate } from '../src/router'
import { parseState } from '../src/state'
import { Forms, Goals, Retention } from '../src/views/behaviour'
import type { ViewProps } from '../src/views/registry'

const SITE = { id: '1', key: 'shop', name: 'Shop', domains: ['shop.example'], time_zone: 'UTC', snippet: '<script></script>' }
const FORMS = {
  from: '', to: '',
  forms: [
    { form: 'checkout', starts: 120, submits: 70, abandons: 38, abandon_rate: 0.3167, median_seconds_to_submit: 48.5,
      fields: [{ field: 'email', interactions: 110, median_seconds: 6.2, last_before_abandon: 9 }] },
    { form: 'newsletter', starts: 10, submits: 9, abandons: 1, abandon_rate: 0.1, median_seconds_to_submit: 3,
      fields: [{ field: 'mail', interactions: 10, median_seconds: 1.5, last_before_abandon: 1 }] },
  ],
}
const RETENTION = (cohort: string, period: string) => ({
  from: '', to: '', time_zone: 'UTC', cohort, period,
  cohorts: [{ start: '2026-03-02T00:00:00+00:00', persons: 40, returning: [40, 12, 7], rates: [1, 0.3, 0.175] },
            { start: '2026-03-09T00:00:00+00:00', persons: 10, returning: [10, 5], rates: [1, 0.5] }],
})

let asked: string[] = []
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

beforeEach(() => {
  setLang('en')
  asked = []
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url)
    const u = new URL(url, 'http://x')
    if (u.pathname === '/api/reports/forms') return json(FORMS)
    if (u.pathname === '/api/reports/retention') return json(RETENTION(u.searchParams.get('cohort')!, u.searchParams.get('period')!))
    if (u.pathname === '/api/reports/goals')
      return json({ type: 'about:blank', title: 'Invalid report parameters', detail: 'filter: nope', errors: [{ field: 'filter', message: 'nope' }] }, 400)
    if (u.pathname === '/api/sites/shop/goals') return json([{ id: 'g1', name: 'Thanks', type: 'pageview', path: '/thanks', event_name: null }])
    return json({}, 404)
  })
})
afterEach(() => vi.unstubAllGlobals())

const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)))
}

/** Renders a view at a URL, as the shell does (state from the query). */
async function mount(View: ComponentType<ViewProps>, url: string) {
  navigate(url, { replace: true })
  const root = document.createElement('div')
  document.body.append(root)
  const path = url.split('?')[0]
  const draw = () => render(<View site={SITE} sites={[SITE]} me={{ id: 'u', name: 'M', role: 'marketer' }} path={path} state={parseState(location.search)} onChange={() => {}} />, root)
  act(draw)
  await settle()
  return { root, draw }
}

const cells = (root: Element, sel: string) =>
  [...root.querySelectorAll(`${sel} tbody tr`)].map((r) => [(r as HTMLElement).dataset.value, ...[...r.querySelectorAll('td[data-value]')].map((c) => Number((c as HTMLElement).dataset.value))])

describe('Forms', () => {
  it("shows each form's numbers and the chosen form's fields; a click chooses another, in the URL", async () => {
    const { root, draw } = await mount(Forms, '/forms?site=shop&filter=device:is:mobile')
    expect(asked).toContain('/api/reports/forms?site=shop&filter=device%3Ais%3Amobile')
    expect(cells(root, 'table[data-dimension="form"]')).toEqual([['checkout', 120, 70, 38, 0.3167, 48.5], ['newsletter', 10, 9, 1, 0.1, 3]])
    expect(root.querySelector('[data-key="abandon_rate"]')!.textContent).toBe('31.7%')
    expect(cells(root, 'table[data-dimension="field"]')).toEqual([['email', 110, 6.2, 9]])
    const newsletter = [...root.querySelectorAll('button.link')].find((b) => b.textContent === 'newsletter') as HTMLButtonElement
    act(() => newsletter.click())
    expect(location.search).toBe('?site=shop&filter=device:is:mobile&form=newsletter')
    act(draw)
    await settle()
    expect(cells(root, 'table[data-dimension="field"]')).toEqual([['mail', 10, 1.5, 1]])
  })
})

describe('Retention', () => {
  it('asks with the switches of the URL and shows the grid with shaded cells', async () => {
    const { root, draw } = await mount(Retention, '/retention?site=shop&cohort=purchase&period=month')
    expect(asked.at(-1)).toBe('/api/reports/retention?site=shop&cohort=first_purchase&period=month')
    const rows = [...root.querySelectorAll('table.cohorts tbody tr')]
    expect(rows.map((r) => [...r.querySelectorAll('td[data-period]')].map((c) => (c as HTMLElement).dataset.returning))).toEqual([['40', '12', '7'], ['10', '5']])
    expect(rows[1].querySelectorAll('td.none').length).toBe(1) // a later cohort has a shorter row
    expect((rows[0].querySelector('td[data-period="0"]') as HTMLElement).style.background).toBeTruthy()
    const period = [...root.querySelectorAll('label')].find((l) => l.textContent?.startsWith('Period'))!.querySelector('select')!
    act(() => {
      period.value = 'week'
      period.dispatchEvent(new Event('change'))
    })
    expect(location.search).toBe('?site=shop&cohort=first_purchase') // week is the default: left out
    act(draw)
    await settle()
    expect(asked.at(-1)).toBe('/api/reports/retention?site=shop&cohort=first_purchase&period=week')
  })
})

describe('Goals', () => {
  it("lists the goals even when the report fails, and shows the report's problem", async () => {
    const { root } = await mount(Goals, '/goals?site=shop')
    expect(root.querySelector('[role="alert"]')!.textContent).toContain('Invalid report parameters')
    expect(root.querySelector('table[data-dimension="goal"] tr[data-value="Thanks"]')!.textContent).toContain('/thanks')
    expect(root.querySelector('button[aria-label="Delete: Thanks"]')).not.toBeNull()
  })
})
