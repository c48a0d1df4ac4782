import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_ATTEMPTS, createBatch, createSender, retryDelay } from '../src/transport.js'
import { fakeWindow } from './fake-dom.mjs'

test('retry delay: Retry-After seconds when given, else exponential backoff capped at a minute', () => {
  assert.equal(retryDelay(0, '3'), 3000)
  assert.equal(retryDelay(4, '0'), 0)
  assert.equal(retryDelay(0, null), 1000)
  assert.equal(retryDelay(1, ''), 2000)
  assert.equal(retryDelay(3, 'soon'), 8000)
  assert.equal(retryDelay(2, '-5'), 4000)
  assert.equal(retryDelay(10), 60000)
})

test('a batch flushes after the delay, or at once when full', async () => {
  const { w, clock } = fakeWindow()
  const flushed = []
  const batch = createBatch(w, (events, hidden) => flushed.push([events, hidden]), 1000, 3)
  batch.push(1)
  batch.push(2)
  await clock.tick(999)
  assert.deepEqual(flushed, [])
  await clock.tick(1)
  assert.deepEqual(flushed, [[[1, 2], undefined]])
  batch.push(3)
  batch.push(4)
  batch.push(5)
  assert.deepEqual(flushed[1], [[3, 4, 5], undefined], 'full: no waiting')
  await clock.tick(5000)
  assert.equal(flushed.length, 2, 'the timer of a full batch is cancelled')
  batch.push(6)
  batch.now(1)
  assert.deepEqual(flushed[2], [[6], 1], 'page hide flushes what there is')
  batch.now(1)
  assert.equal(flushed.length, 3, 'nothing to flush, nothing sent')
})

test('hidden pages send a beacon; without one (or when it is refused) fetch with keepalive', async () => {
  const { w, fetches, beacons } = fakeWindow()
  const send = createSender(w)
  send('https://a.example/api/collect', '{"n":1}', 1)
  assert.equal(beacons.length, 1)
  assert.equal(fetches.length, 0)
  send('https://a.example/api/collect', '{"n":2}')
  assert.equal(fetches.length, 1)
  assert.deepEqual(fetches[0].init, { method: 'POST', body: '{"n":2}', keepalive: true })
  assert.equal(fetches[0].init.headers, undefined, 'a string body: text/plain, a simple request without preflight')
  w.navigator.sendBeacon = () => false
  send('https://a.example/api/collect', '{"n":3}', 1)
  assert.equal(fetches.length, 2, 'a refused beacon falls back to fetch')
})

test('429 and 5xx are retried after Retry-After, network errors with backoff; 4xx never', async () => {
  const answers = [{ status: 503, retryAfter: '2' }, new TypeError('offline'), { status: 429 }, { status: 202 }]
  const { w, clock, fetches } = fakeWindow({ respond: (r, n) => answers[n - 1] ?? { status: 202 } })
  const send = createSender(w)
  send('u/api/collect', '{}')
  await clock.tick(0)
  assert.equal(fetches.length, 1)
  await clock.tick(1999)
  assert.equal(fetches.length, 1, 'waits Retry-After')
  await clock.tick(1)
  assert.equal(fetches.length, 2)
  await clock.tick(2000) // backoff after the second failure: 2 s
  assert.equal(fetches.length, 3)
  await clock.tick(4000)
  assert.equal(fetches.length, 4)
  await clock.tick(60000)
  assert.equal(fetches.length, 4, 'delivered: no more attempts')

  const bad = fakeWindow({ respond: () => ({ status: 400 }) })
  createSender(bad.w)('u/api/collect', '{}')
  await bad.clock.tick(120000)
  assert.equal(bad.fetches.length, 1)
})

test('retries give up after a bounded number of attempts', async () => {
  const { w, clock, fetches } = fakeWindow({ respond: () => ({ status: 503 }) })
  createSender(w)('u/api/collect', '{}')
  await clock.tick(10 * 60000)
  assert.equal(fetches.length, MAX_ATTEMPTS + 1)
})
