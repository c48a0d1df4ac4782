// The demo shop, as the service serves it at /demo/: banner, browsing, cart, login, purchase.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

test('a shopping journey through the demo shop: consent, product view, cart, identify, purchase', async () => {
  const v = await h.visitor({ site: 'demo' })
  const p = v.page
  await p.goto(h.service + '/demo/')
  await p.waitForSelector('[role=dialog]')
  await p.click('button[data-action=accept]')
  await p.click('text=Trail Runner')
  await p.waitForURL('**/product.html?id=trail-runner')
  await p.fill('input[name=quantity]', '2')
  await p.click('text=Add to cart')
  await p.waitForURL('**/cart.html?cart=trail-runner:2')
  await p.click('#to-checkout')
  await p.waitForURL('**/checkout.html**')
  await p.fill('#login input[name=email]', 'jane@example.com')
  await p.fill('#login input[name=password]', 'correct horse battery staple')
  await p.click('#login button')
  await p.fill('#order input[name=name]', 'Jane Doe')
  await p.fill('#order input[name=street]', 'Hauptstr. 1')
  await p.fill('#order input[name=postcode]', '10115')
  await p.fill('#order input[name=city]', 'Berlin')
  await p.fill('#order input[name=cardnumber]', '4111 1111 1111 1111')
  await p.fill('#order input[name=cc-exp]', '12/29')
  await p.fill('#order input[name=cvc]', '123')
  await p.click('text=Place order')
  await p.waitForURL('**/confirmation.html**')
  const purchase = await v.waitForEvent((e) => e.type == 'purchase', 'the purchase')
  assert.match(purchase.order_id, /^O-/)
  assert.equal(purchase.revenue, 179.8)
  assert.equal(purchase.currency, 'EUR')
  assert.deepEqual(purchase.props.items, [{ id: 'trail-runner', name: 'Trail Runner', price: 89.9, quantity: 2 }])
  const events = await v.events()
  const types = new Set(events.map((e) => e.type))
  for (const t of ['pageview', 'consent', 'product_view', 'add_to_cart', 'identify', 'form_start', 'form_field', 'form_submit', 'purchase'])
    assert.ok(types.has(t), 'has ' + t)
  assert.equal(events.find((e) => e.type == 'identify').customer_id, 'C-1001')
  const vid = purchase.vid
  assert.ok(vid && events.filter((e) => e.type != 'pageview' || e.consent.analytics).every((e) => e.vid == vid))
  const raw = (await v.requests()).map((r) => r.raw).join('\n')
  for (const secret of ['jane@example.com', 'correct horse', '4111', 'Hauptstr', '12/29']) assert.ok(!raw.includes(secret), secret)
  assert.doesNotMatch(raw, /"field":"(password|cardnumber|cc-exp|cvc)"/)
  await waitFor(async () => (await v.proofs()).length, 'the consent proof')
  assert.equal((await v.proofs())[0].policy_version, '2025-01')
  if (h.real) {
    const rows = await v.stored((rows) => rows.some((r) => r.type == 'purchase' && r.order_id == purchase.order_id), 'the stored purchase')
    const row = rows.find((r) => r.type == 'purchase' && r.order_id == purchase.order_id)
    assert.equal(Number(row.revenue), 179.8)
    assert.equal(row.currency, 'EUR')
    assert.equal(row.vid, vid)
    // The stored texts, not ids and times: a random id or a millisecond time may hold '4111' by chance.
    const all = rows.flatMap((r) => Object.entries(r).filter(([k, v]) => typeof v != 'number' && !/(^|_)(id|vid|sid|ts|ms|at)$/.test(k)).map(([, v]) => JSON.stringify(v))).join('\n')
    for (const secret of ['jane@example.com', 'correct horse', '4111', 'Hauptstr', '12/29']) assert.ok(!all.includes(secret), 'stored: ' + secret)
  }
  await v.close()
})
