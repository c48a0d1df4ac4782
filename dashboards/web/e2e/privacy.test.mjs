// The privacy officer's views in Debian's Chromium against the real service (e2e/run.mjs starts one): a privacy
// officer opens the data-subject requests, files an erasure in the UI and watches it complete with its evidence per
// table, opens an access request's export, the consent history of a subject, the audit log and the retention per
// site, each showing exactly the API's answer; an admin opens the same views; a marketer sees none of the privacy or
// admin views, neither in the navigation nor by link. No console errors, no serious accessibility violation;
// screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, post, signInAs, URL_, waitFor } from './lib.mjs'

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const PRIVACY_PATHS = ['/privacy/requests', '/privacy/consent', '/privacy/audit', '/privacy/retention']
const ADMIN_PATHS = ['/admin/sites', '/admin/users', '/admin/system']
let browser, site, other, accessRequest

/** Pageviews of a visitor, posted as the tracker posts them. */
async function postPageviews(key, vid, pages) {
  const events = pages.map((p, j) => ({
    type: 'pageview', ts: Date.now() - 60000 + j * 2000, url: 'https://privacy.example' + p, referrer: '', title: p,
    vid, sid: vid + '-s', consent: { analytics: true, marketing: false }, screen: '1920x1080', lang: 'en-US',
  }))
  const r = await fetch(URL_ + '/api/collect', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://privacy.example', 'User-Agent': UA },
    body: JSON.stringify({ site: key, events }),
  })
  assert.equal(r.status, 202, await r.text())
}

async function postConsent(key, vid, purposes, policy) {
  const r = await fetch(URL_ + '/api/consent', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://privacy.example', 'User-Agent': UA },
    body: JSON.stringify({ site: key, vid, purposes, policy_version: policy, source: 'banner' }),
  })
  assert.equal(r.status, 201, await r.text())
}

const consents = (vid) => admin(`/api/privacy/consents?site=${site.key}&visitor_id=${vid}`)

before(async () => {
  browser = await launch()
  site = await post('/api/sites', { name: 'E2E privacy shop', domains: ['privacy.example'] })
  other = await post('/api/sites', { name: 'E2E privacy blog', domains: ['privacy-blog.example'], retention_days: 30 })
  // Visitor 1 is erased in the UI; visitor 2 keeps its data: consent proofs and an access request.
  await postPageviews(site.key, 'pv-visitor-1', ['/', '/shoes', '/cart'])
  await postPageviews(site.key, 'pv-visitor-2', ['/'])
  await postConsent(site.key, 'pv-visitor-1', { analytics: true, marketing: true }, '2026-01')
  await postConsent(site.key, 'pv-visitor-2', { analytics: true, marketing: true }, '2026-01')
  await new Promise((r) => setTimeout(r, 1100)) // the proofs' times are whole seconds: the second one is newer
  await postConsent(site.key, 'pv-visitor-2', { analytics: true, marketing: false }, '2026-02')
  await waitFor(async () => (await admin(`/api/events/recent?site=${site.key}&limit=100`)).length >= 4, 'four stored events')
  await waitFor(async () => (await consents('pv-visitor-2')).proofs.length == 2 && (await consents('pv-visitor-1')).proofs.length == 1, 'three consent proofs')
  accessRequest = await post('/api/privacy/requests', { type: 'access', site: site.key, visitor_id: 'pv-visitor-2', reference: 'E2E-ACCESS' })
  await waitFor(async () => (await admin(`/api/privacy/requests/${accessRequest.id}`)).status == 'completed', 'the access request to complete', 120000)
})

after(async () => {
  await browser?.close()
})

/** The rows of the requests table as [id, status, due]. */
const shownRequests = (page) =>
  page.$$eval('table.requests tbody tr', (rows) => rows.map((r) => [r.dataset.id, r.querySelector('[data-status]').dataset.status, r.querySelector('[data-due]').dataset.due]))

async function assertRequestListEqualsApi(page) {
  await page.waitForSelector('table.requests tbody tr', { timeout: 30000 })
  const answer = await admin(`/api/privacy/requests?site=${site.key}`)
  assert.deepEqual(await shownRequests(page), answer.map((r) => [r.id, r.status, r.due]))
  return answer
}

/** Every personal table of a request as shown: [table, found, deleted, remaining] ('' where not given). */
const shownTables = (page) =>
  page.$$eval('table.evidence tbody tr', (rows) => rows.map((r) => [
    r.dataset.table,
    r.querySelector('[data-found]').dataset.found,
    r.querySelector('[data-deleted]')?.dataset.deleted ?? '',
    r.querySelector('[data-remaining]')?.dataset.remaining ?? '',
  ]))
const apiTables = (request) => request.tables.map((x) => [x.table, String(x.found), x.deleted == null ? '' : String(x.deleted), x.remaining == null ? '' : String(x.remaining)])

async function checkAuditEqualsApi(page) {
  await page.waitForSelector('[data-total]', { timeout: 30000 })
  const shown = await page.$$eval('table.audit tbody tr', (rows) => rows.map((r) => r.dataset.id))
  const total = Number(await page.getAttribute('[data-total]', 'data-total'))
  const range = await page.$eval('[data-from]', (e) => [e.dataset.from, e.dataset.to])
  const answer = await admin(`/api/privacy/audit?site=${site.key}&from=${encodeURIComponent(range[0])}&to=${encodeURIComponent(range[1])}&page_size=1000`)
  // The API's answer holds one entry more: the page's own read of the log (audited after the read, in the range).
  const own = answer.entries.filter((e) => !shown.includes(e.id))
  assert.ok(own.length <= 1 && own.every((e) => e.what.action == 'audit.read'), 'only the page\'s own audit.read is not shown: ' + JSON.stringify(own))
  assert.equal(total, answer.total - own.length)
  assert.deepEqual(shown, answer.entries.filter((e) => shown.includes(e.id)).slice(0, 100).map((e) => e.id))
  return answer
}

test('a privacy officer files an erasure and sees it complete, with the API\'s numbers on every privacy view', async () => {
  const { context, page, errors } = await signInAs(browser, 'privacy_officer', [site, other])
  page.on('dialog', (d) => d.accept())
  // Lands on the first view of the role; the navigation has the privacy views only.
  await page.waitForURL(/\/privacy\/requests/)
  const nav = await page.$$eval('header nav a', (as) => as.map((a) => new URL(a.href).pathname))
  assert.deepEqual(nav, PRIVACY_PATHS)

  // The requests of the site: the access request filed through the API.
  await page.goto(`${URL_}/privacy/requests?site=${site.key}`)
  const before = await assertRequestListEqualsApi(page)
  assert.deepEqual(before.map((r) => r.id), [accessRequest.id])
  await assertAccessible(page, 'the requests')

  // File an erasure of visitor 1 in the UI.
  await page.getByText('File a new request').click()
  await page.getByLabel('Erasure').check()
  await page.getByLabel('Kind of id').selectOption('visitor_id')
  await page.getByLabel('Id of the subject').fill('pv-visitor-1')
  await page.getByLabel('Reference').fill('E2E-ERASE-1')
  await assertAccessible(page, 'the new request form')
  await page.getByRole('button', { name: 'File request' }).click()
  await page.waitForURL(/\/privacy\/requests\/[^/?]+\?/)
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
  // The page asks again until the request completes; then it shows the evidence per table.
  await page.waitForSelector('[data-field="status"][data-value="completed"]', { timeout: 180000 })
  const erasure = await admin(`/api/privacy/requests/${id}`)
  assert.equal(erasure.status, 'completed')
  assert.equal(erasure.type, 'erasure')
  assert.equal(erasure.reference, 'E2E-ERASE-1')
  await page.waitForSelector('table.evidence tbody tr')
  assert.deepEqual(await shownTables(page), apiTables(erasure))
  const events = erasure.tables.find((x) => x.table == 'events')
  assert.deepEqual([events.found, events.deleted, events.remaining], [3, 3, 0])
  assert.equal(erasure.tables.find((x) => x.table == 'consents').found, 1)
  assert.ok(erasure.tables.every((x) => x.remaining === 0), 'nothing remains')
  assert.equal(await page.getAttribute('[data-field="updated_at"]', 'data-value'), erasure.updated_at)
  assert.equal(await page.getAttribute('[data-field="due"]', 'data-value'), erasure.due)
  // Its tombstones: one per id of the subject (a visitor id alone: one), at the erasure's time.
  assert.deepEqual(erasure.tombstones?.count, 1)
  assert.equal(Number(await page.getAttribute('[data-tombstones]', 'data-tombstones')), erasure.tombstones.count)
  assert.equal(await page.getAttribute('[data-tombstones]', 'data-erased-at'), erasure.tombstones.erased_at)
  await page.screenshot({ path: join(ARTIFACTS, 'privacy-request-detail.png'), fullPage: true })
  await assertAccessible(page, 'the erasure\'s page')
  assert.equal((await consents('pv-visitor-1')).proofs.length, 0, 'the erased visitor has no consent proofs left')

  // Back to the list: both requests, as the API lists them; narrowed by status in the URL.
  await page.getByRole('link', { name: /Data-subject requests/ }).last().click()
  await page.waitForURL((u) => u.pathname == '/privacy/requests')
  await page.waitForFunction(() => document.querySelectorAll('table.requests tbody tr').length == 2)
  await assertRequestListEqualsApi(page)
  await page.screenshot({ path: join(ARTIFACTS, 'privacy-requests.png'), fullPage: true })
  await page.getByLabel('Status', { exact: true }).selectOption('completed')
  await page.waitForURL(/status=completed/)
  await page.reload()
  await page.waitForSelector('table.requests tbody tr')
  assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'completed')

  // The access request: its export downloads for the signed-in officer.
  await page.goto(`${URL_}/privacy/requests/${accessRequest.id}?site=${site.key}`)
  await page.waitForSelector('[data-export="json"]')
  const access = await admin(`/api/privacy/requests/${accessRequest.id}`)
  assert.deepEqual(await shownTables(page), apiTables(access))
  const exported = await context.request.get(URL_ + (await page.getAttribute('[data-export="json"]', 'href')))
  assert.equal(exported.status(), 200)
  assert.equal((await exported.json()).tables.events.length, 1)
  assert.equal((await context.request.get(URL_ + (await page.getAttribute('[data-export="csv"]', 'href')))).headers()['content-type'], 'application/zip')
  await assertAccessible(page, 'the access request\'s page')

  // The consent history of visitor 2, searched in the form: the proofs and the latest state of the API.
  await page.goto(`${URL_}/privacy/consent?site=${site.key}`)
  await page.getByLabel('Kind of id').selectOption('visitor_id')
  await page.getByLabel('Id of the subject').fill('pv-visitor-2')
  await page.getByRole('button', { name: 'Show history' }).click()
  await page.waitForURL(/visitor_id=pv-visitor-2/)
  await page.waitForSelector('[data-proofs]')
  const history = await consents('pv-visitor-2')
  assert.equal(Number(await page.getAttribute('[data-proofs]', 'data-proofs')), history.proofs.length)
  const proofs = await page.$$eval('table.proofs tbody tr', (rows) => rows.map((r) => [r.dataset.consentId, r.querySelector('[data-analytics]').dataset.analytics, r.querySelector('[data-marketing]').dataset.marketing]))
  assert.deepEqual(proofs, history.proofs.map((p) => [p.consent_id, String(p.purposes.analytics), String(p.purposes.marketing)]))
  assert.equal(await page.getAttribute('[data-purpose="marketing"]', 'data-value'), String(history.latest.marketing.granted))
  assert.equal(history.latest.marketing.granted, false)
  await page.reload() // the subject is in the URL
  await page.waitForSelector('table.proofs tbody tr')
  await page.screenshot({ path: join(ARTIFACTS, 'consent-history.png'), fullPage: true })
  await assertAccessible(page, 'the consent history')

  // The audit log: the entries of the API (the erasure's among them), paged.
  await page.goto(`${URL_}/privacy/audit?site=${site.key}`)
  const audit = await checkAuditEqualsApi(page)
  assert.ok(audit.entries.some((e) => e.what.action == 'request.erasure' && e.what.request_id == id && e.result == 'completed'))
  await page.screenshot({ path: join(ARTIFACTS, 'audit.png'), fullPage: true })
  await assertAccessible(page, 'the audit log')
  await page.goto(`${URL_}/privacy/audit?site=${site.key}&page=2&page_size=25`)
  await page.waitForSelector('[data-page="2"]')
  assert.equal(await page.getByLabel('Per page', { exact: true }).inputValue(), '25')

  // Retention per site: each of the officer's sites as GET /api/sites/{key} answers.
  await page.goto(`${URL_}/privacy/retention?site=${site.key}`)
  await page.waitForSelector('table.retention tbody tr')
  for (const s of [site, other]) {
    const record = await admin(`/api/sites/${s.key}`)
    assert.equal(Number(await page.getAttribute(`tr[data-site="${s.key}"] [data-retention-days]`, 'data-retention-days')), record.retention_days)
    assert.equal(await page.getAttribute(`tr[data-site="${s.key}"] [data-last-run]`, 'data-last-run'), record.retention_last_run ?? '')
  }
  assert.equal(await page.locator('table.retention tbody tr').count(), 2)
  await page.screenshot({ path: join(ARTIFACTS, 'retention.png'), fullPage: true })
  await assertAccessible(page, 'the retention')

  // On a phone: the requests still read.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${URL_}/privacy/requests?site=${site.key}`)
  await assertRequestListEqualsApi(page)
  await page.screenshot({ path: join(ARTIFACTS, 'privacy-requests-phone.png'), fullPage: true })
  await assertAccessible(page, 'the requests on a phone')

  // The admin views refuse an officer, by link too.
  for (const path of ADMIN_PATHS) {
    await page.goto(`${URL_}${path}?site=${site.key}`)
    await page.getByRole('alert').filter({ hasText: 'Your role cannot open this view.' }).waitFor()
  }
  assert.deepEqual(errors, [])
  await context.close()
})

test('an admin opens every privacy view', async () => {
  const { context, page, errors } = await signInAs(browser, 'admin', [])
  await page.goto(`${URL_}/privacy/requests?site=${site.key}`)
  await page.getByLabel('Language', { exact: true }).selectOption('de')
  await assertRequestListEqualsApi(page)
  await page.getByRole('heading', { name: /Betroffenenanfragen/ }).waitFor()
  await assertAccessible(page, 'the German requests')
  await page.goto(`${URL_}/privacy/consent?site=${site.key}&visitor_id=pv-visitor-2`)
  await page.waitForSelector('[data-proofs="2"]')
  await page.goto(`${URL_}/privacy/audit?site=${site.key}`)
  await checkAuditEqualsApi(page)
  await page.goto(`${URL_}/privacy/retention?site=${site.key}`)
  await page.waitForSelector(`tr[data-site="${other.key}"] [data-retention-days="30"]`)
  const nav = await page.$$eval('header nav a', (as) => as.map((a) => new URL(a.href).pathname))
  for (const p of [...PRIVACY_PATHS, ...ADMIN_PATHS]) assert.ok(nav.includes(p), p + ' in the admin\'s navigation')
  assert.deepEqual(errors, [])
  await context.close()
})

test('a marketer never sees the privacy or admin views: not in the navigation, not by link', async () => {
  const { context, page, errors } = await signInAs(browser, 'marketer', [site])
  await page.waitForURL(/\/overview/)
  const nav = await page.$$eval('header nav a', (as) => as.map((a) => new URL(a.href).pathname))
  assert.ok(nav.length > 0)
  assert.deepEqual(nav.filter((p) => p.startsWith('/privacy') || p.startsWith('/admin')), [])
  const paths = [...PRIVACY_PATHS, ...ADMIN_PATHS, `/privacy/requests/${accessRequest.id}`, `/admin/sites/${site.key}`, '/admin/users/u-1']
  for (const path of paths) {
    await page.goto(`${URL_}${path}?site=${site.key}`)
    await page.getByRole('alert').filter({ hasText: 'Your role cannot open this view.' }).waitFor()
    assert.equal(await page.locator('main h1').count(), 0, path + ' shows nothing of the view')
    assert.deepEqual(await page.$$eval('header nav a', (as) => as.map((a) => new URL(a.href).pathname).filter((p) => /^\/(privacy|admin)/.test(p))), [])
  }
  await page.screenshot({ path: join(ARTIFACTS, 'privacy-refused.png'), fullPage: true })
  await assertAccessible(page, 'the refusal')
  // The API refuses too.
  assert.equal((await context.request.get(`${URL_}/api/privacy/requests?site=${site.key}`)).status(), 403)
  assert.equal((await context.request.get(`${URL_}/api/privacy/audit?site=${site.key}`)).status(), 403)
  assert.equal((await context.request.get(`${URL_}/api/users`)).status(), 403)
  assert.deepEqual(errors, [])
  await context.close()
})
