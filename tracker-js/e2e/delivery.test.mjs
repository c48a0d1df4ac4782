// Delivery (batches, retries with Retry-After), robustness (no exceptions, no globals).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

test('events of a moment travel in one batch; ten events flush at once', async () => {
  const v = await h.visitor()
  // The page's clock stands still until the test moves it: the batch timer (1 s) fires only then, however slow
  // the machine.
  const t0 = Date.now()
  await v.page.clock.install({ time: t0 })
  await v.page.clock.pauseAt(t0 + 60_000) // ahead of the time that flows meanwhile
  await v.open('batch')
  await v.page.evaluate(() => ['a', 'b', 'c'].forEach((n) => analytics('track', n)))
  await v.settled()
  assert.deepEqual(await v.requests(), [], 'nothing leaves before the batch timer')
  await v.page.clock.runFor(1000)
  await v.waitForEvent((e) => e.name == 'c', 'the batch')
  const bodies = (await v.requests()).map((r) => r.body.events.map((e) => e.name || e.type))
  assert.deepEqual(bodies, [['pageview', 'a', 'b', 'c']])
  await v.page.evaluate(() => {
    for (let i = 0; i < 10; i++) analytics('track', 'n' + i)
  })
  await v.waitForEvent((e) => e.name == 'n9', 'the full batch, with the clock standing still') // no timer involved
  await v.close()
})

test('retries on 503 and 429 with the Retry-After delay, then delivers', async (t) => {
  const v = await h.visitor()
  await h.fail({ path: '/api/collect', status: 503, retryAfter: 1, count: 1 })
  await h.fail({ path: '/api/collect', status: 429, retryAfter: 2, count: 1 })
  await v.open('retry')
  const attempts = await waitFor(async () => {
    const r = await v.requests()
    return r.length >= 3 && r
  }, 'three attempts', 10000)
  assert.deepEqual(
    attempts.map((r) => r.status),
    [503, 429, 202],
  )
  assert.equal(attempts[0].raw, attempts[2].raw, 'the same batch, again')
  assert.ok(attempts[1].at - attempts[0].at >= 950, 'waited Retry-After: 1')
  assert.ok(attempts[2].at - attempts[1].at >= 1950, 'waited Retry-After: 2')
  await v.close()
})

test('a 4xx answer is not retried', async (t) => {
  const v = await h.visitor()
  await h.fail({ path: '/api/collect', status: 400, count: 1 })
  await v.page.clock.install() // the page's timers, so that the longest backoff can pass at once
  await v.open('no-retry')
  await v.page.clock.fastForward(1000) // the batch timer
  await waitFor(async () => (await v.requests()).length == 1, 'the attempt')
  await v.settled() // the page has the 400: a retry, if any, is now on its timer
  await v.page.clock.fastForward(61_000) // past the longest backoff (60 s)
  await v.settled()
  assert.equal((await v.requests()).length, 1)
  await v.close()
})

test('offline: the batch waits and goes out when the network is back', async () => {
  const v = await h.visitor()
  await v.open('offline')
  await v.waitForEvent((e) => e.type == 'pageview', 'pageview')
  await v.context.setOffline(true)
  const failed = v.context.waitForEvent('requestfailed', { predicate: (r) => (r.postData() || '').includes('while_offline'), timeout: 8000 })
  await v.page.evaluate(() => analytics('track', 'while_offline'))
  await failed // the batch was tried while offline, and failed
  await v.context.setOffline(false)
  const e = await v.waitForEvent((e) => e.name == 'while_offline', 'the delayed event', 15000)
  assert.ok(e)
  await v.close()
})

test('hostile calls never throw into the page; nothing but window.analytics is added', async () => {
  const v = await h.visitor()
  v.define('globals-empty', '<!doctype html><title>x</title><p>empty')
  await v.page.goto(h.base + '/__e2e/globals-empty')
  const baseline = await v.page.evaluate(() => Object.keys(window))
  await v.open('hostile', { consent: 'granted' })
  const added = await v.page.evaluate((before) => Object.keys(window).filter((k) => !before.includes(k)), baseline)
  assert.deepEqual(added, ['analytics'])
  const thrown = await v.page.evaluate(() => {
    const cyclic = {}
    cyclic.self = cyclic
    const calls = [
      [],
      ['nonsense'],
      ['track'],
      ['track', 'cyclic', cyclic],
      ['purchase'],
      ['purchase', null],
      ['identify'],
      ['consent'],
      ['consent', 'yes'],
      ['pageview', { get boom() { throw new Error('boom') } }],
      [{ toString() { throw new Error('boom') } }],
    ]
    const errors = []
    for (const c of calls) {
      try {
        analytics(...c)
      } catch (e) {
        errors.push(String(e))
      }
    }
    history.pushState(null, '', '/__e2e/hostile?after')
    return errors
  })
  assert.deepEqual(thrown, [])
  await v.page.evaluate(() => analytics('track', 'still_alive'))
  await v.waitForEvent((e) => e.name == 'still_alive', 'an event after hostile calls')
  await v.settled() // the page has run the timers and answers of the hostile calls
  assert.deepEqual(v.errors, [], 'no uncaught error in the page')
  await v.close()
})
