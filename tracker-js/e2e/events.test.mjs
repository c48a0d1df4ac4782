// Automatic events (SPA routes, outbound links, downloads, marked elements), commerce and the payload.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

test('the payload: fields of DESIGN.md, sent as text/plain to the script origin', async () => {
  const v = await h.visitor({ locale: 'de-DE' })
  await v.open('payload', { title: 'Schuh' })
  const pv = await v.waitForEvent((e) => e.type == 'pageview', 'pageview')
  assert.equal(pv.url, h.base + '/__e2e/payload')
  assert.equal(pv.title, 'Schuh')
  assert.equal(pv.referrer, '')
  assert.equal(pv.lang, 'de-DE')
  assert.match(pv.screen, /^\d+x\d+$/)
  assert.ok(Math.abs(pv.ts - Date.now()) < 60000)
  assert.deepEqual(pv.consent, { analytics: false, marketing: false })
  const [request] = await v.requests()
  assert.equal(request.path, '/api/collect')
  assert.match(request.contentType, /^text\/plain/)
  assert.equal(request.body.site, v.site)
  await v.close()
})

test('single-page apps: pushState, replaceState and back are pageviews; an unchanged URL or a new fragment is not', async () => {
  const v = await h.visitor()
  await v.open('spa/start', { title: 'SPA' })
  await v.page.evaluate(() => history.pushState({}, '', '/__e2e/spa/products'))
  await v.page.evaluate(() => history.replaceState({}, '', '/__e2e/spa/products?sort=price'))
  await v.page.evaluate(() => history.replaceState({ scroll: 1 }, '', location.href))
  // The tracker looks at a route change in a timer of its own after the event: the page's next timer runs after it.
  await v.page.evaluate(
    () =>
      new Promise((handled) => {
        addEventListener('hashchange', () => setTimeout(handled), { once: true })
        location.hash = '#reviews'
      }),
  )
  await v.page.evaluate(() => history.back())
  const pageviews = async () => (await v.events()).filter((e) => e.type == 'pageview').map((e) => e.url.replace(h.base + '/__e2e/spa/', ''))
  await waitFor(async () => (await pageviews()).length >= 3, 'the route pageviews')
  await v.flushed() // and nothing more after them
  const urls = await pageviews()
  assert.deepEqual(urls, ['start', 'products', 'products?sort=price']) // a fragment is never sent: a new one is no new page
  await v.close()
})

test('outbound links and downloads, with left and middle clicks; the url loses its query', async () => {
  const v = await h.visitor()
  await v.open('links', {
    body: `
      <a id="out" href="https://outbound.example/partner?token=s3cret#top">partner</a>
      <a id="pdf" href="/files/catalogue.pdf?sig=s3cret">catalogue</a>
      <a id="zip" href="https://files.example/app.zip">app</a>
      <a id="attr" href="/export" download>export</a>
      <a id="inner" href="/__e2e/links#x">inner</a>
      <a id="mail" href="mailto:shop@example.com">mail</a>`,
  })
  await v.elsewhere()
  await v.page.evaluate(() => document.querySelectorAll('a').forEach((a) => a.addEventListener('click', (e) => e.preventDefault())))
  await v.page.click('#pdf')
  await v.page.click('#zip', { button: 'middle' })
  await v.page.click('#attr')
  await v.page.click('#inner')
  await v.page.click('#mail')
  await v.page.click('#out')
  await v.waitForEvent((e) => e.type == 'outbound', 'the outbound event')
  await v.flushed() // and nothing more after it
  const clicks = (await v.events()).filter((e) => e.type != 'pageview').map((e) => [e.type, e.props.url])
  assert.deepEqual(clicks, [
    ['download', h.base + '/files/catalogue.pdf'],
    ['download', 'https://files.example/app.zip'],
    ['download', h.base + '/export'],
    ['outbound', 'https://outbound.example/partner'],
  ])
  for (const r of await v.requests()) assert.doesNotMatch(r.raw, /s3cret/)
  await v.close()
})

test('an outbound click that leaves the page is delivered (beacon on page hide)', async () => {
  const v = await h.visitor()
  await v.elsewhere()
  await v.open('leave', { body: '<a id="out" href="https://outbound.example/away">away</a>' })
  await v.page.click('#out')
  await v.page.waitForURL('https://outbound.example/away')
  const e = await v.waitForEvent((e) => e.type == 'outbound', 'the outbound event')
  assert.equal(e.props.url, 'https://outbound.example/away')
  await v.close()
})

test('elements marked data-analytics-event send a custom event with their data-analytics-prop-* props', async () => {
  const v = await h.visitor()
  await v.open('marked', {
    body: '<div data-analytics-event="size_chart" data-analytics-prop-product="p-7" data-analytics-prop-variant="wide"><span id="inside">Size chart</span></div>',
  })
  await v.page.click('#inside')
  const e = await v.waitForEvent((e) => e.type == 'custom', 'the custom event')
  assert.equal(e.name, 'size_chart')
  assert.deepEqual(e.props, { product: 'p-7', variant: 'wide' })
  await v.close()
})

test('commerce: product_view, add_to_cart and purchase with revenue, currency and items', async () => {
  const v = await h.visitor({ locale: 'de-DE' })
  await v.open('commerce', { consent: 'granted' })
  await v.page.evaluate(() => {
    analytics('product_view', { id: 'p-1', name: 'Trail shoe', price: 89.9, currency: 'EUR' })
    analytics('add_to_cart', { id: 'p-1', quantity: 2, price: 89.9, currency: 'EUR' })
    analytics('purchase', {
      order_id: 'O-1001',
      revenue: 179.8,
      currency: 'EUR',
      items: [{ id: 'p-1', name: 'Trail shoe', price: 89.9, quantity: 2 }],
      coupon: 'WELCOME',
    })
  })
  const p = await v.waitForEvent((e) => e.type == 'purchase', 'the purchase')
  assert.equal(p.order_id, 'O-1001')
  assert.equal(p.revenue, 179.8)
  assert.equal(p.currency, 'EUR')
  assert.deepEqual(p.props, { items: [{ id: 'p-1', name: 'Trail shoe', price: 89.9, quantity: 2 }], coupon: 'WELCOME' })
  assert.ok(p.vid && p.sid)
  const events = await v.events()
  assert.deepEqual(events.find((e) => e.type == 'product_view').props, { id: 'p-1', name: 'Trail shoe', price: 89.9, currency: 'EUR' })
  assert.equal(events.find((e) => e.type == 'add_to_cart').props.quantity, 2)
  if (h.real) {
    const rows = await v.stored((rows) => rows.some((r) => r.type == 'purchase'), 'the stored purchase')
    const row = rows.find((r) => r.type == 'purchase')
    assert.equal(row.order_id, 'O-1001')
    assert.equal(Number(row.revenue), 179.8)
    assert.equal(row.currency, 'EUR')
    assert.equal(row.vid, p.vid)
    assert.equal(row.sid, p.sid)
  }
  await v.close()
})
