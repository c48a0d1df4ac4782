// Consent modes, storage before and after consent, withdrawal, GPC and DNT, identify.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

const THIRTEEN_MONTHS_S = 396 * 86400
const idCookies = (cookies) => cookies.filter((c) => c.name == '_an_vid' || c.name == '_an_sid')
const noIds = (events) => events.every((e) => !('vid' in e) && !('sid' in e))

test('required (the default): only cookieless counting before consent, no storage, no ids', async () => {
  const v = await h.visitor()
  await v.open('required', {
    body: '<a id="out" href="https://outbound.example/x">out</a><button data-analytics-event="cta">go</button>',
  })
  await v.page.click('button')
  await v.page.evaluate(() => analytics('track', 'newsletter_seen', { where: 'footer' }))
  await v.waitForEvent((e) => e.name == 'newsletter_seen', 'the custom event')
  const events = await v.events()
  assert.deepEqual(events.map((e) => e.type).sort(), ['custom', 'custom', 'pageview'])
  assert.ok(noIds(events), 'no vid or sid before consent')
  assert.ok(events.every((e) => e.consent.analytics === false && e.consent.marketing === false))
  for (const r of await v.requests()) assert.doesNotMatch(r.raw, /"vid"|"sid"|_an_/)
  assert.deepEqual(await v.storage(), { cookie: '', local: 0, session: 0 })
  if (h.real) {
    const rows = await v.stored((rows) => rows.length == 3, 'the three stored rows')
    assert.ok(rows.every((r) => Number(r.consent_analytics) == 0 && r.sid == '' && r.customer_id == ''), 'no session, no customer before consent')
    assert.equal(new Set(rows.map((r) => r.vid)).size, 1, 'one cookieless visitor hash')
  }
  assert.deepEqual(await v.context.cookies(), [])
  assert.equal(await v.page.$('[data-analytics-banner]'), null, 'no banner in required mode')
  await v.close()
})

test('consent via the API sets the visitor and session cookies; withdrawal removes them at once', async () => {
  const v = await h.visitor()
  await v.open('grant-withdraw', { attrs: ' data-policy-version="2025-01"' })
  await v.page.evaluate(() => analytics('consent', { analytics: true, marketing: false }))
  const cookies = idCookies(await v.context.cookies())
  assert.equal(cookies.length, 2)
  const vidCookie = cookies.find((c) => c.name == '_an_vid')
  const sidCookie = cookies.find((c) => c.name == '_an_sid')
  for (const c of cookies) {
    assert.equal(c.sameSite, 'Lax')
    assert.equal(c.path, '/')
    assert.equal(c.httpOnly, false)
  }
  const now = Date.now() / 1000
  assert.ok(vidCookie.expires - now <= THIRTEEN_MONTHS_S && vidCookie.expires - now > 300 * 86400, 'visitor cookie at most 13 months')
  assert.ok(sidCookie.expires - now <= 1800 + 5, 'session cookie 30 minutes')

  const consentEvent = await v.waitForEvent((e) => e.type == 'consent', 'the consent event')
  assert.equal(consentEvent.vid, vidCookie.value)
  assert.equal(consentEvent.sid, sidCookie.value)
  assert.deepEqual(consentEvent.consent, { analytics: true, marketing: false })
  const proof = await waitFor(async () => (await v.proofs())[0], 'the consent proof')
  assert.deepEqual(proof, {
    site: v.site,
    vid: vidCookie.value,
    purposes: { analytics: true, marketing: false },
    policy_version: '2025-01',
    source: 'api',
  })

  await v.page.evaluate(() => analytics('track', 'after_consent'))
  const after = await v.waitForEvent((e) => e.name == 'after_consent', 'an event after consent')
  assert.equal(after.vid, vidCookie.value)
  assert.equal(after.sid, sidCookie.value)

  // The same decision again changes nothing and proves nothing twice.
  await v.page.evaluate(() => analytics('consent', { analytics: true, marketing: false }))

  await v.page.evaluate(() => analytics('consent', { analytics: false, marketing: false }))
  assert.deepEqual(idCookies(await v.context.cookies()), [], 'ids removed at once')
  assert.doesNotMatch((await v.storage()).cookie, /_an_vid|_an_sid/)
  await v.page.evaluate(() => analytics('track', 'after_withdrawal'))
  const withdrawn = await v.waitForEvent((e) => e.name == 'after_withdrawal', 'an event after withdrawal')
  assert.ok(!('vid' in withdrawn) && !('sid' in withdrawn))
  const proofs = await waitFor(async () => ((await v.proofs()).length == 2 ? v.proofs() : null), 'the withdrawal proof')
  assert.deepEqual(proofs[1].purposes, { analytics: false, marketing: false })
  assert.equal(proofs[1].vid, vidCookie.value, 'the withdrawal names the visitor that withdraws')
  assert.equal((await v.events()).filter((e) => e.type == 'consent').length, 2)
  if (h.real) {
    // ClickHouse: before consent and after the withdrawal, no tracker id and no session: only the
    // server's cookieless visitor hash; with consent, the cookie ids.
    const rows = await v.stored((rows) => rows.some((r) => r.name == 'after_withdrawal') && rows.some((r) => r.type == 'pageview'), 'the stored rows')
    for (const row of [rows.find((r) => r.type == 'pageview'), rows.find((r) => r.name == 'after_withdrawal')]) {
      assert.equal(Number(row.consent_analytics), 0, row.type + ' ' + row.name)
      assert.equal(row.sid, '')
      assert.notEqual(row.vid, vidCookie.value)
      assert.notEqual(row.vid, sidCookie.value)
    }
    const afterRow = rows.find((r) => r.name == 'after_consent')
    assert.equal(Number(afterRow.consent_analytics), 1)
    assert.equal(afterRow.vid, vidCookie.value)
    assert.equal(afterRow.sid, sidCookie.value)
  }
  await v.close()
})

test('a remembered grant carries the same visitor id on the next page; the session id too', async () => {
  const v = await h.visitor()
  await v.open('remember-1')
  await v.page.evaluate(() => analytics('consent', { analytics: true }))
  const first = await v.waitForEvent((e) => e.type == 'consent', 'consent')
  await v.open('remember-2')
  const next = await v.waitForEvent((e) => e.type == 'pageview' && e.url.endsWith('remember-2'), 'the next pageview')
  assert.equal(next.vid, first.vid)
  assert.equal(next.sid, first.sid)
  await v.close()
})

test('granted: ids from the first pageview', async () => {
  const v = await h.visitor()
  await v.open('granted', { consent: 'granted' })
  const pv = await v.waitForEvent((e) => e.type == 'pageview', 'pageview')
  assert.match(pv.vid, /^[0-9a-z]{8,}$/)
  assert.match(pv.sid, /^[0-9a-z]{8,}$/)
  assert.deepEqual(pv.consent, { analytics: true, marketing: false })
  assert.match((await v.storage()).cookie, /_an_vid=/)
  await v.close()
})

test('commands queued before the script loads run in order; a queued consent counts for the first pageview', async () => {
  const v = await h.visitor()
  await v.open('queued', { queue: "analytics('consent', {analytics: true, marketing: true}); analytics('track', 'early')" })
  const early = await v.waitForEvent((e) => e.name == 'early', 'the queued event')
  const pv = await v.waitForEvent((e) => e.type == 'pageview', 'pageview')
  assert.ok(early.vid && pv.vid == early.vid)
  assert.deepEqual(pv.consent, { analytics: true, marketing: true })
  await v.close()
})

for (const [signal, opts] of [
  ['Global Privacy Control', { gpc: true }],
  ['Do-Not-Track', { dnt: true }],
]) {
  test(`${signal} counts as no consent, even when the site says granted or the page grants`, async () => {
    const v = await h.visitor(opts)
    await v.open('signal', { consent: 'granted' })
    assert.equal(await v.page.evaluate(() => navigator.globalPrivacyControl === true || navigator.doNotTrack == '1'), true)
    await v.page.evaluate(() => analytics('consent', { analytics: true, marketing: true }))
    await v.page.evaluate(() => analytics('identify', 'C-1'))
    await v.page.evaluate(() => analytics('track', 'with_signal'))
    await v.waitForEvent((e) => e.name == 'with_signal', 'the event')
    const events = await v.events()
    assert.ok(noIds(events))
    assert.ok(events.every((e) => !e.consent.analytics && !e.consent.marketing))
    assert.ok(!events.some((e) => e.type == 'identify' || e.type == 'consent'))
    assert.deepEqual(await v.proofs(), [])
    assert.deepEqual(await v.storage(), { cookie: '', local: 0, session: 0 })
    await v.close()
  })
}

test('Global Privacy Control: the banner mode shows no banner', async () => {
  const v = await h.visitor({ gpc: true })
  await v.open('gpc-banner', { consent: 'banner' })
  assert.ok(await v.noBanner())
  assert.deepEqual(await v.storage(), { cookie: '', local: 0, session: 0 })
  await v.close()
})

test('identify is ignored without analytics consent and sent with it', async () => {
  const v = await h.visitor()
  await v.open('identify')
  await v.page.evaluate(() => analytics('identify', 'CUST-1'))
  await v.page.evaluate(() => analytics('consent', { analytics: true }))
  await v.page.evaluate(() => analytics('identify', 'CUST-2'))
  const id = await v.waitForEvent((e) => e.type == 'identify', 'identify')
  assert.equal(id.customer_id, 'CUST-2')
  assert.ok(id.vid)
  await v.settled() // an identify queued before this one would be in the same batch or an earlier one
  const all = (await v.events()).filter((e) => e.type == 'identify')
  assert.deepEqual(
    all.map((e) => e.customer_id),
    ['CUST-2'],
  )
  for (const r of await v.requests()) assert.doesNotMatch(r.raw, /CUST-1/)
  if (h.real) {
    // ClickHouse: the customer id is stored only after consent, on the consented visitor.
    const rows = await v.stored((rows) => rows.some((r) => r.type == 'identify'), 'the stored identify')
    assert.ok(!JSON.stringify(rows).includes('CUST-1'))
    const linked = rows.filter((r) => r.customer_id != '')
    assert.deepEqual(linked.map((r) => [r.type, r.customer_id, Number(r.consent_analytics), r.vid]), [['identify', 'CUST-2', 1, id.vid]])
    assert.ok(rows.filter((r) => r.type == 'pageview').every((r) => Number(r.consent_analytics) == 0 && r.sid == ''))
  }
  await v.close()
})
