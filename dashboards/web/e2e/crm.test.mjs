// The customer and CRM views in Debian's Chromium against the real service: customers, orders, contacts and costs
// imported through the CRM API, events (pageviews, survey answers, ratings) posted for the customers' devices. A
// marketer opens every view and sees the API's numbers; opens the 360-degree page from the list; builds a segment in
// the UI whose preview equals the API's count and whose CSV downloads. A service user opens the customers and the
// 360-degree page, records a contact there, finds no report in the navigation and is refused one by link.
// No console errors, axe-core on every view; screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, post, signInAs, URL_, waitFor } from './lib.mjs'

let browser, site
const DAY = 86400000
const ago = (ms) => new Date(Date.now() - ms).toISOString()

const postCsvOrJson = (path, rows) => post(path, rows)

async function seed() {
  site = await post('/api/sites', { name: 'E2E CRM shop', domains: ['crm.example'] })
  const q = `?site=${site.key}`
  const customers = await postCsvOrJson('/api/crm/customers' + q, [
    { customer_id: 'C-ANNA', name: 'Anna Alder', email: 'anna@crm.example', segment: 'vip', created_at: ago(200 * DAY), attributes: { tier: 'gold' },
      marketing_consent: true, marketing_consent_at: ago(100 * DAY), visitor_ids: ['crm-v1'] },
    { customer_id: 'C-BEN', name: 'Ben Berg', email: 'ben@crm.example', segment: 'regular', marketing_consent: false, visitor_ids: ['crm-v2'] },
    { customer_id: 'C-CARA', name: 'Cara Cole', email: 'cara@crm.example', segment: 'regular', marketing_consent: true, marketing_consent_at: ago(50 * DAY), visitor_ids: ['crm-v3'] },
    { customer_id: 'C-DAN', name: 'Dan Dorn', email: 'dan@crm.example', segment: 'regular' },
  ])
  assert.equal(customers.upserted, 4, JSON.stringify(customers))
  const item = (sku, price, category = 'shoes') => ({ sku, name: sku, category, quantity: 1, price })
  const orders = await postCsvOrJson('/api/crm/orders' + q, [
    { order_id: 'O-1', customer_id: 'C-ANNA', ts: ago(5 * DAY), revenue: 800, currency: 'EUR', cost_of_goods: 300, items: [item('P1', 500), item('P2', 300)] },
    { order_id: 'O-2', customer_id: 'C-ANNA', ts: ago(2 * DAY), revenue: 200, currency: 'EUR', items: [item('P1', 200)] },
    { order_id: 'O-3', customer_id: 'C-BEN', ts: ago(3 * DAY), revenue: 150, currency: 'EUR', items: [item('P2', 100), item('P3', 50)] },
    { order_id: 'O-4', customer_id: 'C-CARA', ts: ago(1 * DAY), revenue: 50, currency: 'EUR', items: [item('P3', 50)] },
    { order_id: 'O-5', customer_id: 'C-DAN', ts: ago(10 * DAY), revenue: 20, currency: 'EUR', items: [item('P4', 20, 'socks')] },
  ])
  assert.equal(orders.upserted, 5, JSON.stringify(orders))
  const contacts = await postCsvOrJson('/api/crm/contacts' + q, [
    { contact_id: 'K-1', customer_id: 'C-ANNA', ts: ago(1 * DAY), channel: 'email', direction: 'inbound', kind: 'complaint', subject: 'Late delivery', cost: 4 },
    { contact_id: 'K-2', customer_id: 'C-ANNA', ts: ago(4 * DAY), channel: 'phone', direction: 'inbound', kind: 'service', subject: 'Size question', outcome: 'resolved', cost: 6 },
    { contact_id: 'K-3', customer_id: 'C-BEN', ts: ago(2 * DAY), channel: 'chat', direction: 'inbound', kind: 'service', subject: 'Return label', outcome: 'resolved', cost: 3 },
  ])
  assert.equal(contacts.upserted, 3, JSON.stringify(contacts))
  const today = new Date().toISOString().slice(0, 10)
  await post('/api/costs' + q, [{ day: today, channel: 'organic_search', campaign: '', cost: 90 }])

  // The devices' events: pageviews from a search engine, NPS answers and ratings, a minute ago.
  const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
  const base = Date.now() - 120000
  const visit = (vid, i, extra) => [
    { type: 'pageview', ts: base + i * 1000, url: 'https://crm.example/', referrer: 'https://www.google.com/', title: 'Home' },
    { type: 'pageview', ts: base + i * 1000 + 200, url: 'https://crm.example/shoes', referrer: 'https://crm.example/', title: 'Shoes' },
    ...extra.map((e, j) => ({ url: 'https://crm.example/thanks', ts: base + i * 1000 + 400 + j * 100, ...e })),
  ].map((e) => ({ ...e, vid, sid: vid + '-s', consent: { analytics: true, marketing: vid !== 'crm-v2' }, screen: '1920x1080', lang: 'en-US' }))
  const batches = [
    visit('crm-v1', 0, [{ type: 'survey_answer', survey: 'nps', question: 'recommend', score: 9, text: 'Great shoes' }, { type: 'rating', subject: 'order', stars: 5 }]),
    visit('crm-v2', 10, [{ type: 'survey_answer', survey: 'nps', question: 'recommend', score: 4 }]),
    visit('crm-v3', 20, [{ type: 'rating', subject: 'order', stars: 3 }]),
  ]
  let n = 0
  for (const events of batches) {
    n += events.length
    const r = await fetch(URL_ + '/api/collect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://crm.example', 'User-Agent': ua },
      body: JSON.stringify({ site: site.key, events }),
    })
    const body = await r.text()
    assert.equal(r.status, 202, body)
    assert.deepEqual(JSON.parse(body).rejected ?? [], [], body)
  }
  await waitFor(async () => (await admin(`/api/events/recent?site=${site.key}&limit=100`)).length >= n, `${n} stored events`)
}

/** The numbers in the cells of a table's rows, by data-col, keyed by an attribute of the row. */
const rowsOf = (page, table, key) =>
  page.$$eval(`table[data-dimension="${table}"] tbody tr`, (rows, key) =>
    rows.map((r) => ({
      key: r.getAttribute(key),
      ...Object.fromEntries([...r.querySelectorAll('[data-col]')].map((c) => [c.getAttribute('data-col'), (c.querySelector('[data-value]') ?? c).getAttribute('data-value') ?? c.textContent.trim()])),
    })), key)

const kpi = async (page, name) => page.getAttribute(`[data-kpi="${name}"]`, 'data-value')

before(async () => {
  browser = await launch()
  await seed()
})

after(async () => {
  await browser?.close()
})

test('a marketer sees the numbers of the customers and CRM APIs in every view and builds a segment', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site])
  const q = `site=${site.key}`

  // The list: every row as the API answers it, in its order.
  await page.goto(`${URL_}/customers?${q}`)
  await page.waitForSelector('table[data-dimension="customers"]', { timeout: 30000 })
  const list = await admin(`/api/customers?${q}&page=1&page_size=50`)
  assert.equal(list.total, 4)
  assert.equal(await page.getAttribute('[data-fig="total"]', 'data-value'), String(list.total))
  assert.deepEqual(await rowsOf(page, 'customers', 'data-customer'),
    list.customers.map((c) => ({ key: c.customer_id, class: c.class, revenue: String(c.revenue), orders: String(c.orders), clv_historic: String(c.clv_historic), clv_predicted: String(c.clv_predicted) })))
  assert.deepEqual(list.customers.map((c) => c.class), ['A', 'B', 'B', 'C'])
  await page.screenshot({ path: join(ARTIFACTS, 'customers.png'), fullPage: true })
  await assertAccessible(page, 'the customer list')

  // Search and a class filter: the URL keeps them, the rows are the API's.
  await page.getByLabel('Search').fill('ann')
  await page.getByRole('button', { name: 'Find' }).click()
  await page.waitForURL(/q=ann/)
  await page.waitForSelector('tr[data-customer="C-ANNA"]')
  assert.equal(await page.locator('table[data-dimension="customers"] tbody tr').count(), (await admin(`/api/customers?${q}&q=ann`)).total)
  await page.goto(`${URL_}/customers?${q}&class=B`)
  await page.waitForSelector('table[data-dimension="customers"]')
  assert.deepEqual((await rowsOf(page, 'customers', 'data-customer')).map((r) => r.key), (await admin(`/api/customers?${q}&class=B`)).customers.map((c) => c.customer_id))
  await page.goto(`${URL_}/customers?${q}`)

  // The 360-degree page, opened from the list.
  await page.locator('tr[data-customer="C-ANNA"] a').click()
  await page.waitForURL(/\/customers\/C-ANNA/)
  await page.waitForSelector('[data-kpi="lifetime_revenue"]', { timeout: 30000 })
  const view = await admin(`/api/customers/C-ANNA?${q}`)
  assert.equal(await kpi(page, 'class'), view.class)
  assert.equal(await kpi(page, 'lifetime_revenue'), String(view.lifetime_revenue))
  assert.equal(await kpi(page, 'orders'), String(view.orders))
  assert.equal(await kpi(page, 'clv_historic'), String(view.clv.historic))
  assert.equal(await kpi(page, 'clv_predicted'), String(view.clv.predicted))
  assert.equal(await kpi(page, 'rfm_segment'), view.rfm?.segment ?? '')
  assert.equal(await page.getAttribute('[data-fig="open_complaints"]', 'data-value'), String(view.open_complaints.length))
  assert.equal(view.open_complaints.length, 1)
  assert.equal(await page.getAttribute('[data-fig="last_contact"]', 'data-value'), view.last_service_contact.contact_id)
  assert.equal(await page.getAttribute('[data-fig="value_contribution_margin"]', 'data-value'), String(view.value.contribution_margin))
  assert.equal(await page.getAttribute('[data-consent="marketing"]', 'data-value'), view.consent.marketing ? String(view.consent.marketing.granted) : '')
  assert.equal(await page.getAttribute('[data-fig="sessions_total"]', 'data-value'), String(view.sessions.total))
  assert.equal(await page.getAttribute('[data-fig="timeline_total"]', 'data-value'), String(view.timeline.total))
  // Every order, newest first, with the API's revenue.
  const shownOrders = await page.$$eval('table[data-dimension="order_history"] tbody tr', (rows) => rows.map((r) => [r.dataset.order, Number(r.dataset.revenue)]))
  assert.ok(view.order_history.length > 0)
  assert.deepEqual(shownOrders, view.order_history.map((o) => [o.order_id, o.revenue]))
  assert.deepEqual(await page.$$eval('.journey [data-phase]', (els) => els.map((e) => [e.getAttribute('data-phase'), e.getAttribute('data-order')])),
    view.journey.map((p) => [p.phase, p.order_id ?? '']))
  assert.ok(view.journey.some((p) => p.phase === 'transaction'))
  await page.getByText('Great shoes').waitFor() // the customer's own survey text
  await page.screenshot({ path: join(ARTIFACTS, 'customer-360.png'), fullPage: true })
  await assertAccessible(page, 'the 360-degree page')

  // A/B/C: the classes as the report answers them, the chart drawn.
  await page.goto(`${URL_}/abc?${q}`)
  await page.waitForSelector('table[data-dimension="abc"]', { timeout: 30000 })
  const abc = await admin(`/api/reports/abc?${q}`)
  assert.deepEqual(await rowsOf(page, 'abc', 'data-class'), abc.classes.map((c) => ({ key: c.class, customers: String(c.customers), revenue: String(c.revenue), share: String(c.share) })))
  assert.equal(await page.getAttribute('[data-thresholds]', 'data-thresholds'), `${abc.thresholds.a} ${abc.thresholds.b}`)
  assert.match(await page.textContent('[data-thresholds]'), /less than 80% of it, B less than 95%/)
  await page.waitForSelector('.plot canvas', { timeout: 30000 })
  await page.screenshot({ path: join(ARTIFACTS, 'abc.png'), fullPage: true })
  await assertAccessible(page, 'A/B/C')

  // RFM: customers, revenue and every segment.
  await page.goto(`${URL_}/rfm?${q}`)
  await page.waitForSelector('table[data-dimension="rfm_segments"]', { timeout: 60000 })
  const rfm = await admin(`/api/reports/rfm?${q}`)
  assert.equal(await kpi(page, 'customers'), String(rfm.customers))
  assert.equal(await kpi(page, 'revenue'), String(rfm.revenue))
  assert.deepEqual(await rowsOf(page, 'rfm_segments', 'data-segment'), rfm.segments.map((s) => ({ key: s.segment, customers: String(s.customers), revenue: String(s.revenue) })))
  assert.equal(await page.locator('.rfm-grid td.cell').count(), 25)
  await page.screenshot({ path: join(ARTIFACTS, 'rfm.png'), fullPage: true })
  await assertAccessible(page, 'RFM')

  // Value: totals and the customers' page; then per class.
  await page.goto(`${URL_}/value?${q}`)
  await page.waitForSelector('table[data-dimension="value_customers"]', { timeout: 60000 })
  const value = await admin(`/api/reports/value?${q}&sort=contribution_margin&limit=25&page=1`)
  for (const k of ['customers', 'revenue', 'margin', 'acquisition_cost', 'service_cost', 'contribution_margin']) assert.equal(await kpi(page, k), String(value.totals[k]), k)
  assert.deepEqual((await rowsOf(page, 'value_customers', 'data-customer')).map((r) => [r.key, r.revenue, r.contribution_margin]),
    value.customers.map((c) => [c.customer_id, String(c.revenue), String(c.contribution_margin)]))
  await page.screenshot({ path: join(ARTIFACTS, 'value.png'), fullPage: true })
  await assertAccessible(page, 'value per customer')
  await page.getByLabel('Group by').selectOption('class')
  await page.waitForSelector('table[data-dimension="value_class"]', { timeout: 60000 })
  const byClass = await admin(`/api/reports/value?${q}&group_by=class`)
  assert.deepEqual((await rowsOf(page, 'value_class', 'data-group')).map((r) => [r.key, r.customers, r.revenue]),
    byClass.groups.map((g) => [g.class, String(g.figures.customers), String(g.figures.revenue)]))
  await page.screenshot({ path: join(ARTIFACTS, 'value-by-class.png'), fullPage: true })

  // Surveys: NPS and ratings of all answers, then by class.
  await page.goto(`${URL_}/surveys?${q}`)
  await page.waitForSelector('table[data-dimension="nps"]', { timeout: 60000 })
  const surveys = await admin(`/api/reports/surveys?${q}`)
  const allNps = surveys.nps.filter((r) => r.by === 'all')
  assert.deepEqual(await rowsOf(page, 'nps', 'data-survey'), allNps.map((r) => ({ key: r.survey, answers: String(r.answers), nps: String(r.nps) })))
  assert.deepEqual(await rowsOf(page, 'ratings', 'data-value-of'), surveys.ratings.filter((r) => r.by === 'all').map((r) => ({ key: r.value, ratings: String(r.ratings), average_stars: String(r.average_stars ?? '') })))
  await page.waitForSelector('.plot canvas', { timeout: 30000 })
  await page.screenshot({ path: join(ARTIFACTS, 'surveys.png'), fullPage: true })
  await assertAccessible(page, 'surveys')
  await page.getByLabel('Break down by').selectOption('class')
  await page.waitForURL(/by=class/)
  await page.waitForSelector('table[data-dimension="nps"]')
  assert.deepEqual((await rowsOf(page, 'nps', 'data-value-of')).map((r) => [r.key, r.answers]),
    surveys.nps.filter((r) => r.by === 'class').map((r) => [r.value, String(r.answers)]))

  // Segments: one built in the UI; its preview is the API's count; the CSV downloads.
  await page.goto(`${URL_}/segments?${q}`)
  await page.getByRole('button', { name: 'New segment' }).click()
  await page.getByLabel('Name', { exact: true }).fill('A and B customers')
  await page.getByRole('checkbox', { name: 'A', exact: true }).check()
  await page.getByRole('checkbox', { name: 'B', exact: true }).check()
  await page.getByRole('button', { name: 'Save' }).click()
  await page.waitForURL(/segment=/)
  await page.waitForSelector('[data-kpi="total"]', { timeout: 60000 })
  const segmentId = new URL(page.url()).searchParams.get('segment')
  const members = await admin(`/api/segments/${segmentId}/customers?page=1&page_size=20`)
  assert.equal(await kpi(page, 'total'), String(members.total))
  assert.equal(await kpi(page, 'held_back'), String(members.held_back))
  assert.equal(members.total + members.held_back, 3) // Anna (A), Ben and Cara (B); Ben without marketing consent
  assert.equal(members.held_back, 1)
  await page.screenshot({ path: join(ARTIFACTS, 'segments.png'), fullPage: true })
  await assertAccessible(page, 'segments')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()])
  const csv = readFileSync(await download.path(), 'utf8')
  assert.equal(csv.trim().split(/\r?\n/)[0], 'customer_id,email,name')
  assert.equal(csv.trim().split(/\r?\n/).length, 1 + members.total)

  // Editing keeps it; deleting removes it.
  await page.getByRole('button', { name: 'Edit: A and B customers' }).click()
  await page.getByLabel('Name', { exact: true }).fill('A customers')
  await page.getByRole('checkbox', { name: 'B', exact: true }).uncheck()
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'A customers', exact: true }).waitFor()
  await waitFor(async () => (await page.getAttribute('[data-kpi="total"]', 'data-value').catch(() => null)) === String((await admin(`/api/segments/${segmentId}/customers`)).total), 'the edited preview')
  assert.deepEqual((await admin(`/api/sites/${site.key}/segments/${segmentId}`)).filters.class, ['A'])
  page.once('dialog', (d) => d.accept())
  await page.getByRole('button', { name: 'Delete: A customers' }).click()
  await page.getByText(/No segments yet/).waitFor()
  assert.deepEqual(await admin(`/api/sites/${site.key}/segments`), [])

  assert.deepEqual(errors, [])
  await context.close()
})

test('a service user opens customers and the 360-degree page, records a contact, and is refused the reports', async () => {
  const { context, page, errors } = await signInAs(browser, 'service', [site])
  await page.waitForURL(/\/customers/)
  const nav = await page.locator('header nav a').allTextContents()
  assert.deepEqual(nav, ['Customers'])
  await page.waitForSelector('table[data-dimension="customers"]', { timeout: 30000 })
  await page.locator('tr[data-customer="C-BEN"] a').click()
  await page.waitForSelector('[data-kpi="lifetime_revenue"]', { timeout: 30000 })
  const before = await admin(`/api/customers/C-BEN?site=${site.key}`)
  assert.equal(await kpi(page, 'lifetime_revenue'), String(before.lifetime_revenue))
  await assertAccessible(page, 'the 360-degree page for service')

  await page.getByRole('button', { name: 'Record a contact' }).click()
  await page.getByLabel('Kind').selectOption('complaint')
  await page.getByLabel('Subject').fill('Broken heel')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByText('Broken heel').first().waitFor({ timeout: 30000 })
  const afterView = await admin(`/api/customers/C-BEN?site=${site.key}`)
  assert.equal(afterView.open_complaints.length, 1)
  assert.equal(await page.getAttribute('[data-fig="open_complaints"]', 'data-value'), '1')
  await page.screenshot({ path: join(ARTIFACTS, 'customer-360-service.png'), fullPage: true })

  for (const path of ['/abc', '/rfm', '/value', '/surveys', '/segments']) {
    await page.goto(`${URL_}${path}?site=${site.key}`)
    await page.getByRole('alert').waitFor()
    assert.match(await page.textContent('[role="alert"]'), /Your role cannot open this view/)
  }
  await page.screenshot({ path: join(ARTIFACTS, 'crm-refused-service.png') })
  await assertAccessible(page, 'the refusal')
  assert.deepEqual(errors, [])
  await context.close()
})

test("an admin runs a segment's webhook now and sees its deliveries", async () => {
  const received = []
  const hook = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ signature: req.headers['x-signature'], body: JSON.parse(body) })
      res.writeHead(204).end()
    })
  })
  await new Promise((r) => hook.listen(0, '127.0.0.1', r))
  try {
    const segment = await post(`/api/sites/${site.key}/segments`, {
      name: 'Class A hook', filters: { class: ['A'] }, webhook: { url: `http://127.0.0.1:${hook.address().port}/hook`, secret: 'a secret of sixteen+ chars' },
    })
    const { context, page, errors } = await signInAs(browser, 'admin', [site])
    await page.goto(`${URL_}/segments?site=${site.key}&segment=${segment.id}`)
    await page.waitForSelector('[data-kpi="total"]', { timeout: 60000 })
    await page.getByText('No deliveries yet.').waitFor()
    await page.getByRole('button', { name: 'Run now' }).click()
    await page.getByText(/1 entered, 0 left, 0 held back\. Delivered\./).waitFor({ timeout: 60000 })
    await page.waitForSelector('table[data-dimension="deliveries"]')
    const deliveries = await admin(`/api/segments/${segment.id}/deliveries`)
    assert.equal(await page.locator('table[data-dimension="deliveries"] tbody tr').count(), deliveries.length)
    assert.equal(deliveries[0].status_code, 204)
    assert.deepEqual(received.map((r) => r.body.entered.map((c) => c.customer_id)), [['C-ANNA']])
    assert.match(received[0].signature, /^sha256=/)
    await page.screenshot({ path: join(ARTIFACTS, 'segments-webhook.png'), fullPage: true })
    await assertAccessible(page, 'a segment with its deliveries')
    assert.deepEqual(errors, [])
    await context.close()
  } finally {
    hook.close()
  }
})

test('the 360-degree page on a phone, in German', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site], { viewport: { width: 390, height: 844 } })
  await page.getByLabel('Language', { exact: true }).selectOption('de')
  await page.goto(`${URL_}/customers/C-ANNA?site=${site.key}`)
  await page.waitForSelector('[data-kpi="lifetime_revenue"]', { timeout: 30000 })
  await page.getByRole('heading', { name: 'Customer Journey' }).waitFor()
  await page.getByRole('heading', { name: 'Offene Beschwerden (1)' }).waitFor()
  await page.screenshot({ path: join(ARTIFACTS, 'customer-360-phone-de.png'), fullPage: true })
  await assertAccessible(page, 'the German 360-degree page on a phone')
  assert.deepEqual(errors, [])
  await context.close()
})
