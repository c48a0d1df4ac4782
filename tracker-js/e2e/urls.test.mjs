// Privacy of URLs in a real browser: what the tracker sends and (real mode) what the service stores.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

const SECRETS = /jane|tok123|frag456|access_token|pw111|email=|token=/i

test('no fragment and no secret-named parameter leaves the browser; utm and click ids do, and channel and campaign are found', async () => {
  const v = await h.visitor()
  v.define('next', { title: 'Order of jane@example.com' })
  await v.open('landing?email=jane%40example.com&token=tok123&utm_source=news&utm_medium=email&gclid=g-1#access_token=frag456', {
    title: 'Landing',
    body: '<a id="next" href="next?id=3&password=pw111&utm_source=news#top">next</a>',
  })
  await v.page.click('#next')
  const next = await v.waitForEvent((e) => e.type == 'pageview' && e.url.includes('/__e2e/next'), 'the second pageview')
  const landing = (await v.events()).find((e) => e.type == 'pageview' && e.url.includes('/__e2e/landing'))
  assert.equal(landing.url, h.base + '/__e2e/landing?&&utm_source=news&utm_medium=email&gclid=g-1')
  assert.equal(next.url, h.base + '/__e2e/next?id=3&&utm_source=news')
  assert.equal(next.referrer, landing.url)
  for (const e of await v.events()) assert.doesNotMatch(JSON.stringify({ url: e.url, referrer: e.referrer }), SECRETS)

  if (h.real) {
    const rows = await v.stored((rows) => rows.filter((r) => r.type == 'pageview').length == 2, 'the two stored pageviews')
    assert.doesNotMatch(JSON.stringify(rows), SECRETS)
    const stored = rows.find((r) => r.path == '/__e2e/landing')
    assert.equal(stored.url, h.base + '/__e2e/landing?utm_source=news&utm_medium=email&gclid=g-1')
    assert.equal(stored.utm_source, 'news')
    assert.equal(stored.channel, 'paid_search') // gclid outranks utm_medium, as DESIGN.md orders the rules
    const second = rows.find((r) => r.path == '/__e2e/next')
    assert.equal(second.url, h.base + '/__e2e/next?utm_source=news') // the e2e site keeps no "id"
    assert.equal(second.title, 'Order of [email]')
    assert.equal(second.referrer, stored.url)
  }
  await v.close()
})
