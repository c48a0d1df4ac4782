// The dashboard in Debian's Chromium against the real service (e2e/run.mjs starts one): an invited marketer sets a
// password, opens the overview of a site whose events were posted through /api/collect, and sees exactly the
// numbers of GET /api/reports/overview and /breakdown for the same range and filters; the view's state survives a
// reload; German; an empty site shows its snippet; signing in with the password. No console errors, no serious
// accessibility violation (axe-core) on any page; screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, openPage, post, TOKEN, URL_, waitFor } from './lib.mjs'

const KPIS = ['visitors', 'sessions', 'pageviews', 'bounce_rate', 'avg_session_seconds']
const LOGIN = 'marketer@shop.example'
const PASSWORD = 'correct horse battery staple'
let browser, site, emptySite, invitation

/** Three visitors of the shop, their pageviews a few seconds ago, posted as the tracker posts them. */
async function postEvents(key) {
  const visitors = [
    { ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', pages: ['/', '/shoes', '/shoes/red'], referrer: 'https://www.google.com/' },
    { ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', pages: ['/', '/shoes'], referrer: 'https://www.facebook.com/' },
    { ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', pages: ['/about'], referrer: '' },
  ]
  let n = 0
  for (const [i, v] of visitors.entries()) {
    const events = v.pages.map((p, j) => ({
      type: 'pageview',
      ts: Date.now() - 60000 + i * 10000 + j * 2000,
      url: 'https://shop.example' + p,
      referrer: j == 0 ? v.referrer : 'https://shop.example' + v.pages[j - 1],
      title: 'Shop ' + p,
      vid: 'e2e-visitor-' + i,
      sid: 'e2e-session-' + i,
      consent: { analytics: true, marketing: false },
      screen: i == 1 ? '390x844' : '1920x1080',
      lang: 'en-US',
    }))
    n += events.length
    const r = await fetch(URL_ + '/api/collect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example', 'User-Agent': v.ua },
      body: JSON.stringify({ site: key, events }),
    })
    assert.equal(r.status, 202, await r.text())
  }
  await waitFor(async () => (await admin(`/api/events/recent?site=${key}&limit=100`)).length >= n, `${n} stored events`)
  return n
}

/** The KPIs the page shows, as numbers, once loaded. */
async function shownKpis(page) {
  await page.waitForSelector('[data-kpi="visitors"]', { timeout: 30000 })
  const out = {}
  for (const k of KPIS) out[k] = Number(await page.getAttribute(`[data-kpi="${k}"]`, 'data-value'))
  return out
}

async function assertKpisEqualApi(page, query) {
  const shown = await shownKpis(page)
  const answer = await admin('/api/reports/overview?' + query)
  assert.deepEqual(shown, Object.fromEntries(KPIS.map((k) => [k, answer[k]])), 'KPIs for ' + query)
  assert.equal(await page.textContent('[data-kpi="visitors"]'), new Intl.NumberFormat('en-US').format(answer.visitors))
  return answer
}

before(async () => {
  assert.ok(URL_ && TOKEN, 'ANALYTICS_E2E_URL and ANALYTICS_E2E_TOKEN (npm run e2e sets them)')
  browser = await launch()
  site = await post('/api/sites', { name: 'E2E shop', domains: ['shop.example'] })
  emptySite = await post('/api/sites', { name: 'New shop', domains: ['new.example'] })
  const user = await post('/api/users', { name: 'E2E Marketer', role: 'marketer' })
  for (const s of [site, emptySite]) await post(`/api/sites/${s.key}/members`, { user_id: user.id })
  invitation = await post(`/api/users/${user.id}/invitation`, { login: LOGIN })
  await postEvents(site.key)
})

after(async () => {
  await browser?.close()
})

test('an invited marketer sets a password and sees the numbers of the reports API on the overview', async () => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })
  const { page, errors } = await openPage(context)
  await page.goto(invitation.url)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Password again').fill(PASSWORD)
  await assertAccessible(page, 'the invitation page')
  await page.getByRole('button', { name: 'Set password and sign in' }).click()
  await page.waitForURL(/\/overview\?site=/)
  // The first of the marketer's sites in the order of GET /api/sites (by creation: the two may share a second).
  const first = (await admin('/api/sites')).find((s) => s.key == site.key || s.key == emptySite.key)
  assert.equal(new URL(page.url()).searchParams.get('site'), first.key)
  if (first.key != site.key) await page.goto(`${URL_}/overview?site=${site.key}`)

  // The default range (the last 30 days): every KPI as the API answers it, the chart drawn, the top pages listed.
  const overview = await assertKpisEqualApi(page, `site=${site.key}`)
  assert.equal(overview.pageviews, 6)
  await page.waitForSelector('.plot canvas', { timeout: 30000 }) // ECharts, loaded on demand
  const pages = await admin(`/api/reports/breakdown?site=${site.key}&dimension=page&limit=10`)
  const shownPages = await page.$$eval('table[data-dimension="page"] tbody tr', (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent]))
  assert.deepEqual(shownPages, pages.rows.map((r) => [r.value, String(r.visitors)]))
  // The chart's table alternative has a row per bucket.
  assert.equal(await page.locator('.series-table tbody tr').count(), overview.series.length)
  await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true })
  await assertAccessible(page, 'the overview')

  // A click on a page filters the view by it: the URL holds the filter, the KPIs are the filtered report's.
  await page.locator('table[data-dimension="page"]').getByRole('button', { name: '/shoes', exact: true }).click()
  await page.waitForURL(/filter=page:is:\/shoes/)
  await page.waitForSelector('.chip')
  const filtered = await assertKpisEqualApi(page, `site=${site.key}&filter=${encodeURIComponent('page:is:/shoes')}`)
  assert.equal(filtered.pageviews, 2)

  // A date range in the URL, reloaded: the same view, the numbers of the same range.
  const today = new Date().toISOString().slice(0, 10) // the site's zone is UTC
  await page.goto(`${URL_}/overview?site=${site.key}&from=${today}&to=${today}&filter=page:is:/shoes`)
  await assertKpisEqualApi(page, `site=${site.key}&from=${today}&to=${today}&filter=${encodeURIComponent('page:is:/shoes')}`)
  await page.reload()
  await assertKpisEqualApi(page, `site=${site.key}&from=${today}&to=${today}&filter=${encodeURIComponent('page:is:/shoes')}`)
  assert.equal(await page.inputValue('input[name="from"]'), today)
  assert.match(await page.textContent('.chip'), /page is \/shoes/)
  await page.screenshot({ path: join(ARTIFACTS, 'overview-filtered.png'), fullPage: true })
  await assertAccessible(page, 'the filtered overview')

  // Removing the filter by keyboard.
  await page.getByRole('button', { name: /Remove filter: page is \/shoes/ }).focus()
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => !u.search.includes('filter='))
  await assertKpisEqualApi(page, `site=${site.key}&from=${today}&to=${today}`)

  // German, by the switch; the choice is kept.
  await page.getByLabel('Language', { exact: true }).selectOption('de')
  await page.getByRole('heading', { name: /Übersicht/ }).waitFor()
  assert.equal(await page.textContent('.kpi dt'), 'Besucher')
  await page.reload()
  await page.getByRole('heading', { name: /Übersicht/ }).waitFor()
  assert.equal(await page.getAttribute('html', 'lang'), 'de')
  await page.screenshot({ path: join(ARTIFACTS, 'overview-de.png'), fullPage: true })
  await assertAccessible(page, 'the German overview')
  await page.getByLabel('Sprache', { exact: true }).selectOption('en')

  // A site without events: the snippet to copy, with its key.
  await page.getByLabel('Site', { exact: true }).selectOption(emptySite.key)
  await page.getByRole('heading', { name: 'No data yet' }).waitFor()
  assert.match(await page.textContent('#snippet'), new RegExp(`data-site="${emptySite.key}"`))
  await page.screenshot({ path: join(ARTIFACTS, 'overview-empty.png'), fullPage: true })
  await assertAccessible(page, 'the empty state')

  assert.deepEqual(errors, [])
  await context.close()
})

test('signing in with the password brings the user back to the link they opened', async () => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } })
  const { page, errors } = await openPage(context)
  await page.goto(`${URL_}/overview?site=${site.key}&filter=device:is:desktop`)
  await page.waitForURL(/\/signin\?next=/)
  await page.getByRole('heading', { name: 'Sign in to Analytics' }).waitFor()
  await page.screenshot({ path: join(ARTIFACTS, 'signin.png') })
  await assertAccessible(page, 'the sign-in page')

  await page.getByLabel('Login').fill(LOGIN)
  await page.getByLabel('Password').fill('wrong password, surely')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('alert').waitFor()
  const refusal = await page.textContent('[role="alert"]')
  assert.ok(refusal.length > 0, 'the problem is shown')

  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/overview\?site=.*filter=device:is:desktop/)
  await assertKpisEqualApi(page, `site=${site.key}&filter=${encodeURIComponent('device:is:desktop')}`)
  await page.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: true })
  await assertAccessible(page, 'the overview on a phone')

  // Signing out leaves the app; the cookie no longer reads the API.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(/\/signin/)
  assert.equal((await context.request.get(URL_ + '/api/me')).status(), 401)

  // The only errors: the browser's notes on the two refusals the test provoked (nobody signed in, a wrong password).
  const expected = (e) => /status of 401/.test(e.text) && /\/api\/(me|auth\/signin)$/.test(e.url)
  assert.deepEqual(errors.filter((e) => !expected(e)), [])
  await context.close()
})
