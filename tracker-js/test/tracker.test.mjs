// The whole tracker in the fake browser: consent, ids, commands, automatic events, delivery.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { start } from '../src/tracker.js'
import { FakeElement, anchor, fakeWindow } from './fake-dom.mjs'

const run = (options) => {
  const env = fakeWindow(options)
  start(env.w)
  return env
}

test('required (default): a cookieless pageview to the script origin, no storage, no ids', async () => {
  const env = run()
  await env.clock.tick(1000)
  assert.equal(env.fetches.length, 1)
  assert.equal(env.fetches[0].url, 'https://analytics.example/api/collect')
  assert.equal(env.fetches[0].body.site, 'SITE')
  const [pv] = env.sent()
  assert.equal(pv.type, 'pageview')
  assert.ok(!('vid' in pv) && !('sid' in pv))
  assert.deepEqual(pv.consent, { analytics: false, marketing: false })
  assert.equal(env.doc.cookie, '')
})

test('consent sets the ids and posts the proof; withdrawal removes the ids and proves it', async () => {
  const env = run({ attrs: { 'data-policy-version': 'v3' } })
  env.w.analytics('consent', { analytics: true, marketing: false })
  const vid = env.jar.cookies.get('_an_vid')
  const sid = env.jar.cookies.get('_an_sid')
  assert.ok(vid && sid)
  assert.equal(vid.attributes['samesite'], 'Lax')
  assert.equal(vid.attributes['secure'], true, 'https page: Secure')
  assert.equal(+vid.attributes['max-age'], 33696000)
  assert.equal(+sid.attributes['max-age'], 1800)
  assert.equal(env.jar.cookies.get('_an_consent').value, '10')
  assert.deepEqual(env.proofs(), [{ site: 'SITE', vid: vid.value, purposes: { analytics: true, marketing: false }, policy_version: 'v3', source: 'api' }])
  env.w.analytics('consent', { analytics: true, marketing: false })
  assert.equal(env.proofs().length, 1, 'an unchanged decision is not proven again')
  env.w.analytics('consent', { analytics: false })
  assert.equal(env.jar.cookies.has('_an_vid'), false)
  assert.equal(env.jar.cookies.has('_an_sid'), false)
  assert.equal(env.jar.cookies.get('_an_consent').value, '00')
  assert.equal(env.proofs()[1].vid, vid.value)
  assert.deepEqual(env.proofs()[1].purposes, { analytics: false, marketing: false })
  await env.clock.tick(1000)
  const consentEvents = env.sent().filter((e) => e.type == 'consent')
  assert.equal(consentEvents.length, 2)
  assert.equal(consentEvents[0].vid, vid.value)
  assert.ok(!('vid' in consentEvents[1]))
})

test('http pages get no Secure flag; the session cookie slides, the visitor cookie is not extended', async () => {
  const env = run({ url: 'http://shop.test/', attrs: { 'data-consent': 'granted' } })
  const first = env.jar.cookies.get('_an_vid')
  assert.equal(first.attributes['secure'], undefined)
  const session = env.jar.cookies.get('_an_sid')
  env.w.analytics('track', 'again')
  assert.equal(env.jar.cookies.get('_an_vid'), first, 'the visitor cookie is written once, never extended')
  const renewed = env.jar.cookies.get('_an_sid')
  assert.notEqual(renewed, session, 'the session cookie is written again: 30 more minutes')
  assert.equal(renewed.value, session.value, 'the same session')
  env.jar.cookies.delete('_an_sid') // 30 minutes without an event: the browser dropped it
  env.w.analytics('track', 'later')
  await env.clock.tick(1000)
  const [a, b, c] = env.sent()
  assert.equal(a.sid, b.sid)
  assert.notEqual(c.sid, a.sid, 'a new session')
  assert.equal(c.vid, a.vid, 'the same visitor')
})

test('a remembered decision is honoured; GPC overrides it and the page', async () => {
  const env = fakeWindow({ attrs: { 'data-consent': 'granted' }, gpc: true })
  env.jar.set('_an_consent=11')
  env.jar.set('_an_vid=old')
  start(env.w)
  env.w.analytics('consent', { analytics: true, marketing: true })
  env.w.analytics('identify', 'C-9')
  await env.clock.tick(1000)
  assert.ok(env.sent().every((e) => !e.vid && !e.consent.analytics))
  assert.equal(env.jar.cookies.has('_an_vid'), false, 'a stale id is removed')
  assert.deepEqual(env.proofs(), [])
  assert.ok(!env.sent().some((e) => e.type == 'identify'))

  const remembered = fakeWindow()
  remembered.jar.set('_an_consent=10')
  start(remembered.w)
  await remembered.clock.tick(1000)
  assert.ok(remembered.sent()[0].vid)
})

test('identify passes the signature of the shop backend through, and sends none when there is none', async () => {
  const env = run({ attrs: { 'data-consent': 'granted' } })
  env.w.analytics('identify', 'C-42', { signature: 'ab12' })
  env.w.analytics('identify', 'C-43')
  await env.clock.tick(1000)
  const [signed, unsigned] = env.sent().filter((e) => e.type == 'identify')
  assert.equal(signed.customer_id, 'C-42')
  assert.equal(signed.signature, 'ab12')
  assert.equal(signed.vid, env.jar.cookies.get('_an_vid').value)
  assert.ok(!('signature' in unsigned))
})

test('the queue of the snippet runs first; identify needs consent', async () => {
  const env = run({
    queue: [
      ['identify', 'C-0'],
      ['consent', { analytics: true }],
      ['identify', 'C-1'],
    ],
  })
  await env.clock.tick(1000)
  const types = env.sent().map((e) => e.type + (e.customer_id ? ':' + e.customer_id : ''))
  assert.deepEqual(types, ['consent', 'identify:C-1', 'pageview'])
  assert.ok(env.sent().every((e) => e.vid))
})

test('survey answers and ratings, queued before t.js loaded or sent after, arrive in order with the ids of consent', async () => {
  const env = run({
    attrs: { 'data-consent': 'granted' },
    queue: [['survey', { survey: 'nps', question: 'recommend', score: 10 }]],
  })
  env.w.analytics('rate', { subject: 'sku-7', stars: 5 })
  env.w.analytics('survey', { survey: 'nps', question: 'why', choice: 'speed', text: 'quick delivery' })
  await env.clock.tick(1000)
  const sent = env.sent().map(({ type, survey, question, score, choice, text, subject, stars }) => ({ type, survey, question, score, choice, text, subject, stars }))
  assert.deepEqual(JSON.parse(JSON.stringify(sent)), [
    { type: 'survey_answer', survey: 'nps', question: 'recommend', score: 10 },
    { type: 'pageview' },
    { type: 'rating', subject: 'sku-7', stars: 5 },
    { type: 'survey_answer', survey: 'nps', question: 'why', choice: 'speed', text: 'quick delivery' },
  ])
  assert.ok(env.sent().every((e) => e.vid && e.consent.analytics))
})

test('route changes are pageviews only when the URL as sent changed (a new fragment alone is none)', async () => {
  const env = run()
  env.w.history.pushState({}, '', '/p/2')
  await env.clock.tick(0)
  env.w.history.replaceState({}, '', '/p/2')
  await env.clock.tick(0)
  env.setUrl('/p/2#specs')
  env.w.dispatch('hashchange')
  env.w.dispatch('popstate')
  await env.clock.tick(0)
  env.setUrl('/p/3?token=t#specs')
  env.w.dispatch('popstate')
  await env.clock.tick(1000)
  assert.deepEqual(
    env.sent().map((e) => e.url),
    ['https://shop.example/p/1', 'https://shop.example/p/2', 'https://shop.example/p/3?'],
  )
})

test('clicks: outbound, download and marked elements; right clicks are not counted', async () => {
  const env = run()
  const click = (target, button = 0, type = 'click') => env.doc.dispatch(type, { target, button })
  const out = anchor('https://partner.example/x?t=1')
  const span = new FakeElement('span')
  out.append(span)
  click(span)
  click(anchor('/files/a.pdf'), 1, 'auxclick')
  click(anchor('https://partner.example/y'), 2, 'auxclick')
  const marked = new FakeElement('div', { 'data-analytics-event': 'promo', 'data-analytics-prop-slot': 'top' })
  const inner = new FakeElement('b')
  marked.append(inner)
  click(inner)
  click(new FakeElement('p'))
  await env.clock.tick(1000)
  assert.deepEqual(
    env.sent().slice(1).map((e) => [e.type, e.name, e.props]),
    [
      ['outbound', undefined, { url: 'https://partner.example/x' }],
      ['download', undefined, { url: 'https://shop.example/files/a.pdf' }],
      ['custom', 'promo', { slot: 'top' }],
    ],
  )
})

test('page hide: the batch and form abandonment go out as a beacon', async () => {
  const env = run()
  const f = new FakeElement('form', { id: 'newsletter' })
  env.doc.dispatch('focusin', { target: new FakeElement('input', { name: 'email' }, { form: f }) })
  env.w.dispatch('pagehide')
  assert.equal(env.fetches.length, 0)
  assert.deepEqual(
    env.beacons[0].body.events.map((e) => e.type),
    ['pageview', 'form_start', 'form_field', 'form_abandon'],
  )
  env.w.analytics('track', 'x')
  env.doc.hidden = true
  env.doc.dispatch('visibilitychange')
  assert.equal(env.beacons[1].body.events[0].name, 'x')
})

test('no exception ever reaches the page; the banner is loaded from beside t.js', async () => {
  const env = run({ attrs: { 'data-consent': 'banner' } })
  const script = env.doc.head.children[0]
  assert.equal(String(script.src), 'https://analytics.example/t-banner.js')
  let shown
  env.w.analytics.banner = (o) => (shown = o)
  script.onload()
  assert.deepEqual(shown.consent, { analytics: false, marketing: false })
  shown.decide({ analytics: true, marketing: true })
  assert.equal(env.proofs()[0].source, 'banner')
  assert.equal(env.jar.cookies.get('_an_consent').value, '11')
  const cyclic = {}
  cyclic.self = cyclic
  assert.doesNotThrow(() => {
    env.w.analytics('track', 'c', cyclic)
    env.w.analytics()
    env.w.analytics({})
    env.doc.dispatch('click', { target: null })
    env.doc.dispatch('focusin', { target: {} })
    env.w.analytics.banner = () => {
      throw new Error('broken banner')
    }
    env.w.analytics('consent-banner')
  })
  await env.clock.tick(1000)
  assert.ok(env.sent().length > 0, 'still sending after the hostile calls')
})

test('t.js included twice: the first copy serves, the second does nothing', async () => {
  const env = run()
  const api = env.w.analytics
  start(env.w)
  assert.equal(env.w.analytics, api)
  env.w.history.pushState({}, '', '/p/3')
  await env.clock.tick(1000)
  assert.deepEqual(
    env.sent().map((e) => e.type),
    ['pageview', 'pageview'],
  )
})
