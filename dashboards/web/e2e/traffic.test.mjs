// The traffic views in Debian's Chromium against the real service: sources and campaigns, pages with their
// transitions, the funnel builder with its drop-off list, and paths. Events are posted through /api/collect as the
// tracker posts them (three of the visitors identify as customers); a marketer signs in by invitation, opens every
// view, and sees exactly the numbers of GET /api/reports/breakdown, /transitions, /paths and POST /funnel for the
// same range and filters; builds a funnel in the picker and opens a customer who dropped off. No console errors, no
// serious accessibility violation (axe-core); screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, post, TOKEN, URL_, waitFor, signInAs } from './lib.mjs'

const HOST = 'https://traffic.example'
const METRICS = ['visitors', 'sessions', 'pageviews', 'bounce_rate', 'avg_session_seconds']
const UA = {
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
}
// The funnel the test builds in the picker: the home page, any shoe, the cart, a purchase.
const STEPS = [{ type: 'pageview', path: '/' }, { type: 'pageview', path: '/shoes/*' }, { type: 'add_to_cart' }, { type: 'purchase' }]
let browser, site

/**
 * Five visitors, their events a few minutes ago. Each is [kind, path, extra]: kind a pageview or another event type
 * on the page before. C-BUYER goes all the way, C-CART stops at the cart, C-HOME after the home page; one anonymous
 * visitor stops at the shoes; one lands from a campaign straight on a shoe.
 */
const VISITORS = [
  { ua: UA.chrome, referrer: 'https://www.google.com/', customer: 'C-BUYER', landing: '?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
    steps: [['pageview', '/'], ['pageview', '/shoes/red'], ['add_to_cart', '/shoes/red'], ['pageview', '/cart'], ['purchase', '/checkout']] },
  { ua: UA.iphone, referrer: 'https://www.facebook.com/', customer: 'C-CART', landing: '',
    steps: [['pageview', '/'], ['pageview', '/shoes/blue'], ['add_to_cart', '/shoes/blue'], ['pageview', '/cart']] },
  { ua: UA.firefox, referrer: '', customer: 'C-HOME', landing: '', steps: [['pageview', '/'], ['pageview', '/about']] },
  { ua: UA.chrome, referrer: 'https://www.bing.com/', customer: null, landing: '', steps: [['pageview', '/'], ['pageview', '/shoes/red']] },
  { ua: UA.iphone, referrer: 'https://www.instagram.com/', customer: null, landing: '?utm_source=instagram&utm_medium=social&utm_campaign=spring',
    steps: [['pageview', '/shoes/red'], ['pageview', '/shoes/blue']] },
]

async function postEvents(key) {
  let n = 0
  const start = Date.now() - 10 * 60000
  for (const [i, v] of VISITORS.entries()) {
    const base = { vid: 'tr-visitor-' + i, sid: 'tr-session-' + i, consent: { analytics: true, marketing: false }, screen: v.ua == UA.iphone ? '390x844' : '1920x1080', lang: 'en-US' }
    const events = []
    let ts = start + i * 60000
    let previous = v.referrer
    if (v.customer) events.push({ ...base, type: 'identify', customer_id: v.customer, ts: ts - 500, url: HOST + v.steps[0][1] + v.landing, referrer: v.referrer })
    for (const [j, [kind, path]] of v.steps.entries()) {
      const url = HOST + path + (j == 0 ? v.landing : '')
      const extra = kind == 'purchase' ? { order_id: 'O-' + i, revenue: 89.9, currency: 'EUR' } : {}
      events.push({ ...base, type: kind, ts, url, referrer: previous, title: 'Shop ' + path, ...extra })
      if (kind == 'pageview') previous = url
      ts += 7000 + j * 1000
    }
    n += events.length
    const r = await fetch(URL_ + '/api/collect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: HOST, 'User-Agent': v.ua },
      body: JSON.stringify({ site: key, events }),
    })
    const text = await r.text()
    assert.equal(r.status, 202, text)
    assert.deepEqual(JSON.parse(text).rejected ?? [], [], 'every event accepted')
  }
  await waitFor(async () => (await admin(`/api/events/recent?site=${key}&limit=200`)).length >= n, `${n} stored events`, 30000)
}

/** The same view at 390 px: a screenshot and axe, then back to 1280 px. */
async function onPhone(page, file, what) {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForTimeout(300) // the charts resize on the window's resize event
  await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true })
  await assertAccessible(page, what)
  await page.setViewportSize({ width: 1280, height: 900 })
}

const funnelApi = (body) => post('/api/reports/funnel', { site: site.key, ...body })

/** The rows of a breakdown table as the API's rows: value and the five numbers from data-value. */
const shownBreakdown = (page, dimension) =>
  page.$$eval(`table[data-dimension="${dimension}"] tbody tr`, (rows) =>
    rows.map((r) => ({
      value: r.getAttribute('data-row'),
      ...Object.fromEntries([...r.querySelectorAll('td[data-metric]')].map((c) => [c.getAttribute('data-metric'), Number(c.getAttribute('data-value'))])),
    })))

async function assertBreakdown(page, dimension, query, limit) {
  await page.waitForSelector(`table[data-dimension="${dimension}"]`, { timeout: 30000 })
  const answer = await admin(`/api/reports/breakdown?site=${site.key}&dimension=${dimension}&limit=${limit}${query}`)
  assert.ok(answer.rows.length > 0, 'rows for ' + dimension)
  assert.deepEqual(await shownBreakdown(page, dimension), answer.rows.map((r) => ({ value: r.value, ...Object.fromEntries(METRICS.map((m) => [m, r[m]])) })), dimension + query)
  return answer
}

async function assertTransitions(page, path) {
  await page.waitForSelector('table[data-transitions="next"]', { timeout: 30000 })
  const answer = await admin(`/api/reports/transitions?site=${site.key}&page=${encodeURIComponent(path)}&limit=20`)
  for (const side of ['previous', 'next']) {
    const shown = await page.$$eval(`table[data-transitions="${side}"] tbody tr`, (rows) => rows.map((r) => Number(r.querySelector('td').getAttribute('data-value'))))
    assert.deepEqual(shown, answer[side].map((r) => r.sessions), `transitions ${side} of ${path}`)
  }
  return answer
}

before(async () => {
  assert.ok(URL_ && TOKEN, 'ANALYTICS_E2E_URL and ANALYTICS_E2E_TOKEN (npm run e2e sets them)')
  browser = await launch()
  site = await post('/api/sites', { name: 'E2E traffic shop', domains: ['traffic.example'] })
  await postEvents(site.key)
  // The identify links are stored with the events; wait until the funnel knows the customers.
  await waitFor(async () => (await funnelApi({ steps: STEPS, drop_off: 3 })).drop_off.customers.includes('C-CART'), 'the identified customer in the drop-off list', 30000)
})

after(async () => {
  await browser?.close()
})

test('sources and campaigns: every breakdown as the API answers it; a click filters', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { login: 'traffic-sources@e2e.example' })
  await page.goto(`${URL_}/sources?site=${site.key}`)
  await assertBreakdown(page, 'channel', '', 20)
  await page.waitForSelector('.traffic-chart canvas', { timeout: 30000 })

  await page.getByRole('button', { name: 'UTM campaign', exact: true }).click()
  await page.waitForURL(/dimension=utm_campaign/)
  const campaigns = await assertBreakdown(page, 'utm_campaign', '', 20)
  assert.ok(campaigns.rows.some((r) => r.value == 'spring'))
  await page.getByRole('button', { name: 'Channel (session start)' }).click()
  await assertBreakdown(page, 'session_channel', '', 20)
  await page.getByRole('button', { name: 'UTM campaign', exact: true }).click()
  await assertBreakdown(page, 'utm_campaign', '', 20)
  await page.screenshot({ path: join(ARTIFACTS, 'sources.png'), fullPage: true })
  await assertAccessible(page, 'sources and campaigns')
  await onPhone(page, 'sources-phone.png', 'sources and campaigns on a phone')

  // A click on a campaign filters by it; the view keeps its dimension, the numbers are the filtered report's.
  await page.locator('table[data-dimension="utm_campaign"]').getByRole('button', { name: 'spring', exact: true }).click()
  await page.waitForURL(/filter=utm_campaign:is:spring/)
  assert.match(page.url(), /dimension=utm_campaign/)
  await page.waitForSelector('.chip')
  const filtered = await assertBreakdown(page, 'utm_campaign', '&filter=' + encodeURIComponent('utm_campaign:is:spring'), 20)
  assert.deepEqual(filtered.rows.map((r) => r.value), ['spring'])
  // Reloaded: the same view.
  await page.reload()
  await assertBreakdown(page, 'utm_campaign', '&filter=' + encodeURIComponent('utm_campaign:is:spring'), 20)

  assert.deepEqual(errors, [])
  await context.close()
})

test('pages, entry and exit pages; a page opens its transitions', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { login: 'traffic-pages@e2e.example' })
  await page.goto(`${URL_}/pages?site=${site.key}`)
  const pages = await assertBreakdown(page, 'page', '', 50)
  assert.equal(pages.rows[0].value, '/')
  await page.getByRole('button', { name: 'Entry pages' }).click()
  await assertBreakdown(page, 'entry_page', '', 50)
  await page.getByRole('button', { name: 'Exit pages' }).click()
  await assertBreakdown(page, 'exit_page', '', 50)
  await page.getByRole('button', { name: 'Page', exact: true }).click()
  await assertBreakdown(page, 'page', '', 50)

  await page.locator('table[data-dimension="page"]').getByRole('button', { name: '/shoes/red', exact: true }).click()
  await page.waitForURL(/page=\/shoes\/red/)
  const transitions = await assertTransitions(page, '/shoes/red')
  assert.ok(transitions.next.length > 0)
  await page.screenshot({ path: join(ARTIFACTS, 'pages.png'), fullPage: true })
  await assertAccessible(page, 'pages with transitions')
  await onPhone(page, 'pages-phone.png', 'pages on a phone')
  // A neighbour opens its own transitions.
  await page.locator('table[data-transitions="next"]').getByRole('button', { name: '/cart', exact: true }).click()
  await page.waitForURL(/page=\/cart/)
  await assertTransitions(page, '/cart')

  // The filter button narrows every number to the page.
  await page.locator('table[data-dimension="page"] tr[data-row="/"]').getByRole('button', { name: 'Filter by /' }).click()
  await page.waitForURL(/filter=page:is:\//)
  await assertBreakdown(page, 'page', '&filter=' + encodeURIComponent('page:is:/'), 50)

  assert.deepEqual(errors, [])
  await context.close()
})

/** The funnel's step rows as shown: per step its persons, conversions, median and drop-off (the API's numbers). */
const shownSteps = (page) =>
  page.$$eval('table[data-funnel="steps"] tbody tr', (rows) =>
    rows.map((r) => Object.fromEntries([...r.querySelectorAll('td[data-field]')].map((c) => [c.getAttribute('data-field'), c.getAttribute('data-value')]))))
const apiSteps = (answer) =>
  answer.steps.map((s) => ({
    persons: String(s.persons), conversion_from_previous: String(s.conversion_from_previous), conversion_from_first: String(s.conversion_from_first),
    median_seconds_from_previous: String(s.median_seconds_from_previous), drop_off: String(s.drop_off),
  }))

test('the funnel builder: steps from the picker, the numbers of POST /api/reports/funnel, and a dropped-off customer', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { login: 'traffic-funnel@e2e.example' })
  await page.goto(`${URL_}/funnel?site=${site.key}`)
  await page.getByRole('heading', { name: 'Steps' }).waitFor()
  // Two steps to start with: the home page, then a path to fill in.
  await page.getByLabel('Step 1: path (exact, or * for any characters)').fill('/')
  await page.getByLabel('Step 2: path (exact, or * for any characters)').fill('/shoes/*')
  await page.getByRole('button', { name: 'Add step' }).click()
  await page.getByLabel('Step 3: event type').selectOption('add_to_cart')
  await page.getByRole('button', { name: 'Add step' }).click()
  await page.getByLabel('Step 4: event type').selectOption('purchase')
  await page.getByRole('button', { name: 'Show funnel' }).click()
  await page.waitForURL(/step=pageview:\/&step=pageview:\/shoes\/\*&step=add_to_cart&step=purchase/)
  await page.waitForSelector('table[data-funnel="steps"]', { timeout: 30000 })

  const answer = await funnelApi({ steps: STEPS })
  assert.deepEqual(answer.steps.map((s) => s.persons), [4, 3, 2, 1])
  assert.deepEqual(await shownSteps(page), apiSteps(answer))
  await page.waitForSelector('.traffic-chart canvas', { timeout: 30000 })

  // The drop-off after step 3 (the cart): the identified customer who did not buy, a link to their page.
  await page.getByRole('button', { name: /Customers who dropped off after step 3/ }).click()
  await page.waitForURL(/drop_off=3/)
  await page.waitForSelector('[data-drop-off-total]', { timeout: 30000 })
  const dropped = (await funnelApi({ steps: STEPS, drop_off: 3 })).drop_off
  assert.deepEqual(dropped.customers, ['C-CART'])
  assert.deepEqual(await page.$$eval('.drop-off [data-customer]', (as) => as.map((a) => a.getAttribute('data-customer'))), dropped.customers)
  assert.equal(await page.getAttribute('[data-drop-off-total]', 'data-drop-off-total'), String(dropped.total))
  await page.screenshot({ path: join(ARTIFACTS, 'funnel.png'), fullPage: true })
  await assertAccessible(page, 'the funnel')

  // Reloaded: the same funnel from the URL alone, the same numbers.
  await page.reload()
  await page.waitForSelector('table[data-funnel="steps"]', { timeout: 30000 })
  assert.deepEqual(await shownSteps(page), apiSteps(answer))
  assert.equal(await page.inputValue('input[aria-label="Step 2: path (exact, or * for any characters)"]'), '/shoes/*')

  // A breakdown by device: each group's persons per step as the API answers them.
  await page.getByLabel('Breakdown').selectOption('device')
  await page.getByRole('button', { name: 'Show funnel' }).click()
  await page.waitForURL(/breakdown=device/)
  await page.waitForSelector('table[data-funnel="breakdown"]', { timeout: 30000 })
  const byDevice = await funnelApi({ steps: STEPS, breakdown: 'device', limit: 10 })
  const shownGroups = await page.$$eval('table[data-funnel="breakdown"] tbody tr', (rows) =>
    rows.map((r) => [r.getAttribute('data-row'), [...r.querySelectorAll('td')].slice(0, -1).map((c) => Number(c.getAttribute('data-value')))]))
  assert.deepEqual(shownGroups, byDevice.breakdown.map((g) => [g.value, g.steps.map((s) => s.persons)]))
  assert.deepEqual(await shownSteps(page), apiSteps(byDevice))

  // The drop-off after step 1, then a click on the customer: their 360-degree page's address.
  await page.getByRole('button', { name: /Customers who dropped off after step 1/ }).click()
  await page.locator('.drop-off [data-customer="C-HOME"]').waitFor({ timeout: 30000 })
  assert.deepEqual((await funnelApi({ steps: STEPS, drop_off: 1 })).drop_off.customers, ['C-HOME'])
  await page.locator('.drop-off [data-customer="C-HOME"]').click()
  await page.waitForURL((u) => u.pathname == '/customers/C-HOME')
  assert.equal(new URL(page.url()).searchParams.get('site'), site.key)
  assert.equal(new URL(page.url()).searchParams.get('step'), null, "the funnel's own parameters stay behind")
  // The page opens: the customer's 360-degree view, its lifetime figures those of the API.
  await page.waitForSelector('[data-kpi="lifetime_revenue"]', { timeout: 30000 })
  assert.match(await page.textContent('h1'), /C-HOME/)
  const customer = await admin(`/api/customers/C-HOME?site=${site.key}`)
  assert.equal(await page.getAttribute('[data-kpi="orders"]', 'data-value'), String(customer.orders))
  await page.screenshot({ path: join(ARTIFACTS, 'funnel-drop-off-customer.png'), fullPage: true })

  assert.deepEqual(errors, [])
  await context.close()
})

test('the funnel on a phone, in German', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { login: 'traffic-phone@e2e.example', viewport: { width: 390, height: 844 } })
  await page.getByLabel('Language', { exact: true }).selectOption('de')
  await page.waitForFunction(() => document.documentElement.lang == 'de')
  const steps = STEPS.map((s) => 'step=' + (s.path ? `${s.type}:${s.path}` : s.type)).join('&')
  await page.goto(`${URL_}/funnel?site=${site.key}&${steps}&drop_off=2`)
  await page.getByRole('heading', { name: /Trichter/ }).waitFor()
  await page.waitForSelector('table[data-funnel="steps"]', { timeout: 30000 })
  assert.deepEqual(await shownSteps(page), apiSteps(await funnelApi({ steps: STEPS })))
  await page.waitForSelector('[data-drop-off-total]', { timeout: 30000 })
  assert.equal(await page.getAttribute('[data-drop-off-total]', 'data-drop-off-total'), String((await funnelApi({ steps: STEPS, drop_off: 2 })).drop_off.total))
  await page.screenshot({ path: join(ARTIFACTS, 'funnel-phone-de.png'), fullPage: true })
  await assertAccessible(page, 'the funnel on a phone')
  assert.deepEqual(errors, [])
  await context.close()
})

test('paths from and to a page as a Sankey chart with its table, and the transitions', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { login: 'traffic-paths@e2e.example' })
  const assertLinks = async (param, path, depth) => {
    await page.waitForSelector(`table[data-paths="${param == 'from_page' ? 'from' : 'to'}"]`, { state: 'attached', timeout: 30000 })
    const answer = await admin(`/api/reports/paths?site=${site.key}&${param}=${encodeURIComponent(path)}&depth=${depth}&limit=5`)
    assert.ok(answer.links.length > 0)
    const shown = await page.$$eval('table[data-paths] tbody tr', (rows) =>
      rows.map((r) => [Number(r.getAttribute('data-source')), Number(r.getAttribute('data-target')), Number(r.querySelector('td[data-value]').getAttribute('data-value'))]))
    assert.deepEqual(shown, answer.links.map((l) => [l.source, l.target, l.sessions]), `paths ${param}=${path}`)
    return answer
  }
  await page.goto(`${URL_}/paths?site=${site.key}`)
  const from = await assertLinks('from_page', '/', 3)
  assert.ok(from.nodes.some((n) => n.path == '(exit)'))
  await page.waitForSelector('.traffic-chart canvas', { timeout: 30000 })
  await assertTransitions(page, '/')

  // Paths to the cart, five steps deep, through the form.
  await page.getByRole('button', { name: 'Paths to' }).click()
  await page.getByLabel('Page', { exact: true }).fill('/cart')
  await page.getByRole('button', { name: 'Show', exact: true }).click()
  await page.waitForURL(/to_page=\/cart/)
  await page.getByLabel('Steps', { exact: true }).selectOption('5')
  await page.waitForURL(/depth=5/)
  await page.getByText('Show as table').click()
  const to = await assertLinks('to_page', '/cart', 5)
  assert.ok(to.nodes.some((n) => n.path == '(entrance)'))
  await assertTransitions(page, '/cart')

  await page.goto(`${URL_}/paths?site=${site.key}&from_page=/&depth=4`)
  await assertLinks('from_page', '/', 4)
  await page.waitForSelector('.traffic-chart canvas', { timeout: 30000 })
  await page.screenshot({ path: join(ARTIFACTS, 'paths.png'), fullPage: true })
  await assertAccessible(page, 'paths')
  await onPhone(page, 'paths-phone.png', 'paths on a phone')

  assert.deepEqual(errors, [])
  await context.close()
})
