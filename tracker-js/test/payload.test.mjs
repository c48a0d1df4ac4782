import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildEvent, commandFields } from '../src/payload.js'
import { fakeWindow } from './fake-dom.mjs'

test('an event carries the page facts, the consent and, only when given, the ids', () => {
  const { w } = fakeWindow({ url: 'https://shop.example/p/1?utm_source=news' })
  const before = Date.now()
  const e = buildEvent(w, { type: 'pageview' }, { analytics: false, marketing: false })
  assert.ok(e.ts >= before && e.ts <= Date.now())
  delete e.ts
  assert.deepEqual(e, {
    type: 'pageview',
    url: 'https://shop.example/p/1?utm_source=news',
    referrer: 'https://www.google.com/',
    title: 'Shoe',
    screen: '1920x1080',
    lang: 'de-DE',
    consent: { analytics: false, marketing: false },
  })
  const withIds = buildEvent(w, { type: 'custom', name: 'x', props: { a: 1 } }, { analytics: true, marketing: false }, { vid: 'v', sid: 's' })
  assert.equal(withIds.vid, 'v')
  assert.equal(withIds.sid, 's')
  assert.equal(withIds.name, 'x')
  assert.deepEqual(withIds.props, { a: 1 })
})

test('commands become the event types of the contract', () => {
  assert.deepEqual(commandFields('track', 'signup', { plan: 'pro' }), { type: 'custom', name: 'signup', props: { plan: 'pro' } })
  assert.deepEqual(commandFields('pageview'), { type: 'pageview', props: undefined })
  assert.deepEqual(commandFields('product_view', { id: 'p1' }), { type: 'product_view', props: { id: 'p1' } })
  assert.deepEqual(commandFields('add_to_cart', { id: 'p1', quantity: 2 }), { type: 'add_to_cart', props: { id: 'p1', quantity: 2 } })
  assert.deepEqual(commandFields('identify', 'C-1'), { type: 'identify', customer_id: 'C-1', signature: undefined })
  assert.deepEqual(commandFields('identify', 42), { type: 'identify', customer_id: '42', signature: undefined })
  assert.deepEqual(commandFields('identify', 'C-1', { signature: 'f00d' }), { type: 'identify', customer_id: 'C-1', signature: 'f00d' })
  assert.ok(!commandFields('identify'))
  assert.ok(!commandFields('identify', ''))
  assert.ok(!commandFields('nonsense'))
  assert.ok(!commandFields('consent', { analytics: true }), 'consent is no plain event command')
})

test('purchase: order_id, revenue and currency on the event, items and the rest in props', () => {
  const items = [{ id: 'p1', price: 10, quantity: 2 }]
  assert.deepEqual(commandFields('purchase', { order_id: 'O-1', revenue: 20, currency: 'EUR', items, coupon: 'X' }), {
    type: 'purchase',
    order_id: 'O-1',
    revenue: 20,
    currency: 'EUR',
    props: { items, coupon: 'X' },
  })
  assert.ok(!commandFields('purchase'))
  assert.ok(!commandFields('purchase', null))
})

test('survey and rate become survey_answer and rating with the fields the page passes', () => {
  assert.deepEqual(commandFields('survey', { survey: 'nps', question: 'recommend', score: 9, text: 'fast' }), {
    type: 'survey_answer',
    survey: 'nps',
    question: 'recommend',
    score: 9,
    text: 'fast',
  })
  assert.deepEqual(commandFields('survey', { survey: 'nps', question: 'why', choice: 'price' }), {
    type: 'survey_answer',
    survey: 'nps',
    question: 'why',
    choice: 'price',
  })
  assert.deepEqual(commandFields('rate', { subject: 'sku-1', stars: 4 }), { type: 'rating', subject: 'sku-1', stars: 4 })
  assert.deepEqual(commandFields('rate', { subject: 'order', stars: 5, type: 'pageview' }), { type: 'rating', subject: 'order', stars: 5 })
  assert.equal(commandFields('survey').type, 'survey_answer', 'an empty answer is sent, and the service names the missing fields')
})

test("a command's fields cannot replace the event's consent or ids", () => {
  const { w } = fakeWindow()
  const fields = commandFields('survey', { survey: 's', question: 'q', score: 1, consent: { analytics: true }, vid: 'forged', sid: 'forged' })
  const e = buildEvent(w, fields, { analytics: true, marketing: false }, { vid: 'v', sid: 's' })
  assert.deepEqual([e.consent, e.vid, e.sid], [{ analytics: true, marketing: false }, 'v', 's'])
  const refused = buildEvent(w, commandFields('survey', { consent: { analytics: true, marketing: true } }), { analytics: false, marketing: false })
  assert.deepEqual(refused.consent, { analytics: false, marketing: false })
})
