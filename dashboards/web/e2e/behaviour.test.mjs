// The behaviour views in Debian's Chromium against the real service (e2e/run.mjs starts one): journeys, forms,
// retention, goals and revenue, realtime, opened by an invited marketer over a site whose events were posted through
// /api/collect (the last 24 hours: collect keeps a client time up to Ingestion:MaxClientAgeHours old) and, for the
// weeks before, through /api/import/events (which keeps an event's own past time). Every number shown is compared with
// the API's answer for the same parameters; each view's own switch survives a reload; a goal is created and deleted
// in the UI; realtime shows a just-posted event without a reload. No console errors, no serious accessibility
// violation (axe-core); screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, post, signInAs, TOKEN, URL_, waitFor } from './lib.mjs'

const HOST = 'https://behaviour.example'
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const MIN = 60000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
let browser, site, newSite, session

/** An event of visitor `vid` at `ts` (ms), the way the tracker sends it. */
const ev = (vid, sid, ts, type, path, extra = {}) => ({
  type, ts, url: HOST + path, referrer: '', title: 'Behaviour ' + path, vid, sid,
  consent: { analytics: true, marketing: true }, screen: '1920x1080', lang: 'en-US', ...extra,
})

async function collect(events, key = site.key, origin = HOST) {
  const r = await fetch(URL_ + '/api/collect', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'User-Agent': UA },
    body: JSON.stringify({ site: key, events }),
  })
  assert.equal(r.status, 202, await r.text())
}

async function importHistory(events) {
  const body = events.map((e) => JSON.stringify({ ...e, ip: '203.0.113.7', user_agent: UA })).join('\n')
  const r = await fetch(`${URL_}/api/import/events?site=${site.key}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/x-ndjson' },
    body,
  })
  const answer = await r.json()
  assert.equal(r.status, 200, JSON.stringify(answer))
  assert.equal(answer.imported, events.length, JSON.stringify(answer))
}

/**
 * Four persons. A came three weeks ago and two weeks ago (imported: a first purchase), and today from Google, then from
 * the spring newsletter to buy and fill in the checkout form; B came two weeks ago, and today from Facebook's winter
 * campaign, bought, and abandoned the checkout form at the email field; C came two weeks ago only; D subscribed to the
 * newsletter form today.
 */
async function seed() {
  const now = Date.now()
  const history = [
    ev('bh-a', 'a1', now - 21 * DAY, 'pageview', '/'),
    ev('bh-a', 'a1', now - 21 * DAY + MIN, 'purchase', '/checkout', { order_id: 'BH-1', revenue: 60, currency: 'EUR' }),
    ev('bh-a', 'a2', now - 14 * DAY, 'pageview', '/shoes'),
    ev('bh-b', 'b1', now - 14 * DAY - HOUR, 'pageview', '/'),
    ev('bh-c', 'c1', now - 14 * DAY - 2 * HOUR, 'pageview', '/about'),
  ]
  await importHistory(history)
  const today = [
    ev('bh-a', 'a3', now - 6 * HOUR, 'pageview', '/', { referrer: 'https://www.google.com/' }),
    ev('bh-a', 'a3', now - 6 * HOUR + MIN, 'pageview', '/shoes'),
    ev('bh-a', 'a4', now - 2 * HOUR, 'pageview', '/checkout?utm_source=newsletter&utm_medium=email&utm_campaign=spring'),
    ev('bh-a', 'a4', now - 2 * HOUR + 1000, 'form_start', '/checkout', { props: { form: 'checkout' } }),
    ev('bh-a', 'a4', now - 2 * HOUR + 5000, 'form_field', '/checkout', { props: { form: 'checkout', field: 'email', order: 1, dwell_ms: 4000 } }),
    ev('bh-a', 'a4', now - 2 * HOUR + 14000, 'form_field', '/checkout', { props: { form: 'checkout', field: 'address', order: 2, dwell_ms: 9000 } }),
    ev('bh-a', 'a4', now - 2 * HOUR + 15000, 'form_submit', '/checkout', { props: { form: 'checkout' } }),
    ev('bh-a', 'a4', now - 2 * HOUR + 16000, 'purchase', '/checkout', { order_id: 'BH-2', revenue: 120, currency: 'EUR' }),
    ev('bh-a', 'a4', now - 2 * HOUR + 17000, 'pageview', '/thanks'),
    ev('bh-b', 'b2', now - 3 * HOUR, 'pageview', '/winter?utm_source=facebook&utm_medium=social&utm_campaign=winter', { referrer: 'https://www.facebook.com/' }),
    ev('bh-b', 'b2', now - 3 * HOUR + 1000, 'form_start', '/checkout', { props: { form: 'checkout' } }),
    ev('bh-b', 'b2', now - 3 * HOUR + 3000, 'form_field', '/checkout', { props: { form: 'checkout', field: 'email', order: 1, dwell_ms: 2000 } }),
    ev('bh-b', 'b2', now - 3 * HOUR + 4000, 'form_abandon', '/checkout', { props: { form: 'checkout', last_field: 'email', fields: 1 } }),
    ev('bh-b', 'b2', now - 3 * HOUR + 60000, 'purchase', '/checkout', { order_id: 'BH-3', revenue: 80.5, currency: 'EUR' }),
    ev('bh-b', 'b2', now - 3 * HOUR + 61000, 'pageview', '/thanks'),
    ev('bh-d', 'd1', now - MIN, 'pageview', '/blog'),
    ev('bh-d', 'd1', now - MIN + 1000, 'form_start', '/blog', { props: { form: 'newsletter' } }),
    ev('bh-d', 'd1', now - MIN + 2500, 'form_field', '/blog', { props: { form: 'newsletter', field: 'email', order: 1, dwell_ms: 1500 } }),
    ev('bh-d', 'd1', now - MIN + 3000, 'form_submit', '/blog', { props: { form: 'newsletter' } }),
  ]
  await collect(today)
  const n = history.length + today.length
  await waitFor(async () => (await admin(`/api/events/recent?site=${site.key}&limit=1000`)).length >= n, `${n} stored events`)
}

/** The rows of a table[data-dimension]: per row its data-value and the data-value of each cell that has one. */
const rowsOf = (page, selector) =>
  page.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) => [r.dataset.value, ...[...r.querySelectorAll('td[data-value]')].map((c) => Number(c.dataset.value))]))

const kpi = async (page, name) => Number(await page.getAttribute(`[data-kpi="${name}"]`, 'data-value'))

const open = async (path) => {
  await session.page.goto(URL_ + path)
  await session.page.waitForSelector('main h1')
}

before(async () => {
  assert.ok(URL_ && TOKEN, 'ANALYTICS_E2E_URL and ANALYTICS_E2E_TOKEN (npm run e2e sets them)')
  browser = await launch()
  site = await post('/api/sites', { name: 'Behaviour shop', domains: ['behaviour.example'] })
  newSite = await post('/api/sites', { name: 'Behaviour new shop', domains: ['behaviour-new.example'] })
  await seed()
  session = await signInAs(browser, 'marketer', [site, newSite], { login: `behaviour-${Date.now()}@e2e.example` })
  session.page.on('dialog', (d) => d.accept()) // the goal's delete asks first
})

after(async () => {
  await session?.context.close()
  await browser?.close()
})

test('journeys show the purchases, the attribution of each model and the sequences of the API', async () => {
  const { page } = session
  const api = await admin(`/api/reports/journeys?site=${site.key}&limit=10`)
  assert.equal(api.conversions, 3)
  await open(`/journeys?site=${site.key}`)
  await page.waitForSelector('[data-kpi="conversions"]', { timeout: 30000 })
  assert.equal(await kpi(page, 'conversions'), api.conversions)
  assert.equal(await kpi(page, 'revenue'), api.revenue)
  const modelsOf = (rows, key) => rows.map((r) => [r[key], r.first_touch, r.last_touch, r.linear])
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="channel"]'), modelsOf(api.attribution, 'channel'))
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="campaign"]'), modelsOf(api.campaigns, 'campaign'))
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="sequence"]'), api.sequences.map((s) => [s.channels.join(' > '), s.conversions, s.revenue]))
  await page.waitForSelector('.plot.bars canvas', { timeout: 30000 })

  // The model switch, by keyboard too: kept in the URL, and after a reload.
  await page.getByLabel('Linear').check()
  await page.waitForURL(/model=linear/)
  await page.reload()
  await page.waitForSelector('[data-kpi="conversions"]', { timeout: 30000 })
  assert.equal(await page.isChecked('input[value="linear"]'), true)
  assert.match(await page.textContent('th.chosen'), /Linear/)
  // Another range keeps the model; the numbers are that range's.
  await page.getByLabel('Date range').selectOption('7d')
  await page.waitForURL((u) => u.searchParams.has('from') && u.searchParams.get('model') == 'linear')
  const week = new URL(page.url()).searchParams
  await page.waitForSelector('[data-kpi="conversions"]', { timeout: 30000 })
  const weekApi = await admin(`/api/reports/journeys?site=${site.key}&limit=10&from=${week.get('from')}&to=${week.get('to')}`)
  assert.equal(await kpi(page, 'revenue'), weekApi.revenue)
  assert.equal(await page.isChecked('input[value="linear"]'), true)
  await page.screenshot({ path: join(ARTIFACTS, 'journeys.png'), fullPage: true })
  await assertAccessible(page, 'journeys')
})

test('forms show each form and, for the chosen one, its fields as the API answers them', async () => {
  const { page } = session
  const api = await admin(`/api/reports/forms?site=${site.key}`)
  assert.deepEqual(api.forms.map((f) => [f.form, f.starts, f.submits, f.abandons]), [['checkout', 2, 1, 1], ['newsletter', 1, 1, 0]])
  await open(`/forms?site=${site.key}`)
  await page.waitForSelector('table[data-dimension="form"]', { timeout: 30000 })
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="form"]'),
    api.forms.map((f) => [f.form, f.starts, f.submits, f.abandons, f.abandon_rate, f.median_seconds_to_submit]))
  const fieldsOf = (f) => f.fields.map((x) => [x.field, x.interactions, x.median_seconds, x.last_before_abandon])
  // The first form's fields at first; another one by a click, kept in the URL.
  assert.equal(await page.getAttribute('table[data-dimension="field"]', 'data-form'), 'checkout')
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="field"]'), fieldsOf(api.forms[0]))
  await page.getByRole('button', { name: 'newsletter', exact: true }).click()
  await page.waitForURL(/form=newsletter/)
  await page.waitForSelector('table[data-dimension="field"][data-form="newsletter"]')
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="field"]'), fieldsOf(api.forms[1]))
  await page.getByRole('button', { name: 'checkout', exact: true }).click()
  await page.waitForURL(/form=checkout/)
  await page.reload()
  await page.waitForSelector('table[data-dimension="field"][data-form="checkout"]', { timeout: 30000 })
  await page.waitForSelector('.plot.bars canvas', { timeout: 30000 })
  await page.screenshot({ path: join(ARTIFACTS, 'forms.png'), fullPage: true })
  await assertAccessible(page, 'forms')
})

test('retention shows the API cohort grid, by first visit or first purchase, per week or month', async () => {
  const { page } = session
  const grid = (sel = 'table.cohorts') =>
    page.$$eval(`${sel} tbody tr`, (rows) => rows.map((r) => ({
      start: r.dataset.start,
      persons: Number(r.querySelector('[data-key="persons"]').dataset.value),
      returning: [...r.querySelectorAll('td[data-period]')].map((c) => Number(c.dataset.returning)),
      rates: [...r.querySelectorAll('td[data-period]')].map((c) => Number(c.dataset.value)),
    })))
  const asShown = (answer) => answer.cohorts.map((c) => ({ start: c.start, persons: c.persons, returning: c.returning, rates: c.rates }))

  const weeks = await admin(`/api/reports/retention?site=${site.key}&cohort=first_visit&period=week`)
  assert.ok(weeks.cohorts.length >= 2, JSON.stringify(weeks))
  await open(`/retention?site=${site.key}`)
  await page.waitForSelector('table.cohorts', { timeout: 30000 })
  assert.deepEqual(await grid(), asShown(weeks))

  await page.getByLabel('Cohort by').selectOption('first_purchase')
  await page.waitForURL(/cohort=first_purchase/)
  await page.waitForSelector('table.cohorts[data-cohort="first_purchase"]', { timeout: 30000 })
  assert.deepEqual(await grid(), asShown(await admin(`/api/reports/retention?site=${site.key}&cohort=first_purchase&period=week`)))

  await page.getByLabel('Period').selectOption('month')
  await page.waitForURL(/period=month/)
  await page.reload()
  await page.waitForSelector('table.cohorts[data-cohort="first_purchase"][data-period="month"]', { timeout: 30000 })
  assert.deepEqual(await grid(), asShown(await admin(`/api/reports/retention?site=${site.key}&cohort=first_purchase&period=month`)))

  await page.getByLabel('Cohort by').selectOption('first_visit')
  await page.waitForSelector('table.cohorts[data-cohort="first_visit"][data-period="month"]', { timeout: 30000 })
  await page.getByLabel('Period').selectOption('week')
  await page.waitForSelector('table.cohorts[data-cohort="first_visit"][data-period="week"]', { timeout: 30000 })
  assert.deepEqual(await grid(), asShown(weeks))
  await page.screenshot({ path: join(ARTIFACTS, 'retention.png'), fullPage: true })
  await assertAccessible(page, 'retention')
})

test('a goal created in the UI shows its conversions, the revenue is the API answer, and the goal can be deleted', async () => {
  const { page } = session
  await open(`/goals?site=${site.key}`)
  await page.waitForSelector('[data-kpi="revenue"]', { timeout: 30000 })
  await page.getByLabel('Name', { exact: true }).fill('Thank-you page')
  await page.getByLabel('Path').fill('/thanks')
  await page.getByRole('button', { name: 'Add goal' }).click()
  await page.waitForSelector('table[data-dimension="goal"] tr[data-value="Thank-you page"] td[data-key="persons"]', { timeout: 30000 })

  const goals = await admin(`/api/sites/${site.key}/goals`)
  assert.deepEqual(goals.map((g) => [g.name, g.type, g.path]), [['Thank-you page', 'pageview', '/thanks']])
  const api = await admin(`/api/reports/goals?site=${site.key}`)
  for (const k of ['visitors', 'orders', 'revenue', 'average_order_value']) assert.equal(await kpi(page, k), api[k], k)
  assert.equal(api.orders, 3)
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="goal"]'), api.goals.map((g) => [g.name, g.persons, g.sessions, g.conversion_rate]))
  assert.equal(api.goals[0].persons, 2)
  await page.screenshot({ path: join(ARTIFACTS, 'goals.png'), fullPage: true })
  await assertAccessible(page, 'goals')

  // An event goal, and a refusal shown with the API's detail.
  await page.getByLabel('Type').selectOption('event')
  await page.getByLabel('Name', { exact: true }).fill('Bought')
  await page.getByLabel('Event name').fill('purchase')
  await page.getByRole('button', { name: 'Add goal' }).click()
  await page.waitForSelector('table[data-dimension="goal"] tr[data-value="Bought"] td[data-key="persons"]', { timeout: 30000 })
  const withEvent = await admin(`/api/reports/goals?site=${site.key}`)
  assert.deepEqual(await rowsOf(page, 'table[data-dimension="goal"]'), withEvent.goals.map((g) => [g.name, g.persons, g.sessions, g.conversion_rate]))

  await page.getByRole('button', { name: 'Delete: Thank-you page' }).click()
  await page.waitForSelector('table[data-dimension="goal"] tr[data-value="Thank-you page"]', { state: 'detached', timeout: 30000 })
  assert.deepEqual((await admin(`/api/sites/${site.key}/goals`)).map((g) => g.name), ['Bought'])
})

test('realtime shows the last minutes as the API does, and a just-posted event without a reload', async () => {
  const { page } = session
  await open(`/realtime?site=${site.key}`)
  await page.waitForSelector('[data-kpi="persons"]', { timeout: 30000 })
  // The window slides: compare with an answer taken right after what the page shows (a few tries).
  await waitFor(async () => {
    const shown = [await kpi(page, 'persons'), await kpi(page, 'pageviews'), await rowsOf(page, 'table[data-dimension="page"]')]
    const api = await admin(`/api/reports/realtime?site=${site.key}`)
    return JSON.stringify(shown) === JSON.stringify([api.persons, api.pageviews, api.pages.map((p) => [p.path, p.persons])])
  }, 'the realtime numbers of the API', 30000)
  assert.ok(await page.locator('table.recent tbody tr').count() > 0)

  const before = await kpi(page, 'persons')
  await collect([ev('bh-live', 'live1', Date.now(), 'pageview', '/live-check')])
  await page.waitForSelector('table[data-dimension="page"] tr[data-value="/live-check"]', { timeout: 30000 })
  await page.locator('table.recent tbody tr', { hasText: '/live-check' }).first().waitFor({ timeout: 30000 })
  assert.equal(await kpi(page, 'persons'), before + 1)
  await page.screenshot({ path: join(ARTIFACTS, 'realtime.png'), fullPage: true })
  await assertAccessible(page, 'realtime')

  // A new site verifies its snippet here: no events yet shows the snippet, and the first one appears by itself.
  await open(`/realtime?site=${newSite.key}`)
  await page.waitForSelector('.realtime .empty code', { timeout: 30000 })
  assert.match(await page.textContent('.realtime .empty code'), new RegExp(`data-site="${newSite.key}"`))
  await assertAccessible(page, 'realtime of a new site')
  await collect([{ ...ev('bh-first', 'first1', Date.now(), 'pageview', '/hello'), url: 'https://behaviour-new.example/hello' }], newSite.key, 'https://behaviour-new.example')
  await page.locator('table.recent tbody tr', { hasText: '/hello' }).waitFor({ timeout: 30000 })
  await page.screenshot({ path: join(ARTIFACTS, 'realtime-new-site.png'), fullPage: true })

  // Leaving the view stops the polling: no more realtime requests.
  await page.getByRole('link', { name: 'Journeys' }).click()
  await page.waitForURL(/\/journeys/)
  let asked = 0
  page.on('request', (r) => r.url().includes('/api/reports/realtime') && asked++)
  await page.waitForTimeout(6000)
  assert.equal(asked, 0)
})

test('the views work on a phone and in German, without console errors', async () => {
  const phone = await signInAs(browser, 'marketer', [site], { login: `behaviour-phone-${Date.now()}@e2e.example`, viewport: { width: 390, height: 844 } })
  const { page } = phone
  await page.getByLabel('Language', { exact: true }).selectOption('de') // kept for the pages below
  for (const [path, ready, shot] of [
    ['/retention', 'table.cohorts', 'retention-phone.png'],
    ['/journeys', '[data-kpi="conversions"]', 'journeys-de-phone.png'],
    ['/forms', 'table[data-dimension="form"]', null],
    ['/goals', '[data-kpi="revenue"]', null],
    ['/realtime', '[data-kpi="persons"]', null],
  ]) {
    await page.goto(`${URL_}${path}?site=${site.key}`)
    await page.waitForSelector(ready, { timeout: 30000 })
    if (shot) await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true })
    await assertAccessible(page, path + ' on a phone, in German')
  }
  assert.match(await page.textContent('main h1'), /Echtzeit/)
  assert.deepEqual(phone.errors, [])
  assert.deepEqual(session.errors, [])
  await phone.context.close()
})
