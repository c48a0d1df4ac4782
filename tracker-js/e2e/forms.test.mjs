// Form analytics: start, field order and dwell time, submit, abandonment; values never leave the page.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

const SECRET = 'Tr0ub4dor&3-zebra'

const checkout = `
  <form id="login" method="post" action="/__e2e/welcome">
    <label>E-mail <input name="email" type="email" autocomplete="email"></label>
    <label>Password <input name="password" type="password" autocomplete="current-password"></label>
    <input type="hidden" name="csrf" value="hidden-token-value">
    <button>Log in</button>
  </form>
  <form data-analytics-form="payment" onsubmit="event.preventDefault()">
    <label>Name on card <input id="holder" autocomplete="cc-name"></label>
    <label>Card <input name="cardnumber" inputmode="numeric"></label>
    <label>CVC <input name="cvc"></label>
    <label>IBAN <input name="iban"></label>
    <label>Note <textarea name="note"></textarea></label>
    <button>Pay</button>
  </form>
  <form name="newsletter"><input id="nl-email" type="email"><button>Subscribe</button></form>
  <a id="away" href="/__e2e/elsewhere">elsewhere</a>`

test('a form session: start, fields in focus order with dwell time, submit; secrets never sent, sensitive fields never named', async () => {
  const v = await h.visitor()
  v.define('welcome', { title: 'Welcome' })
  await v.page.clock.install() // the page's clock: the visitor dwells 250 ms in the field without the test waiting
  await v.open('checkout', { body: checkout, consent: 'granted' })
  const p = v.page
  await p.click('input[name=email]')
  await p.keyboard.type('jane.' + SECRET + '@example.com')
  await p.clock.fastForward(250)
  await p.click('input[name=password]')
  await p.keyboard.type(SECRET)
  await p.click('input[name=email]')
  await p.keyboard.type('x')
  await p.click('input[name=password]')
  await p.keyboard.press('Enter')
  await p.waitForURL('**/__e2e/welcome')
  // The form's events leave in up to three batches (1 s timer, then the beacon on page hide), and
  // a beacon from the page being left has no order with respect to the next page's requests:
  // wait for the form's own events, not for the next page.
  const formEvents = async () => (await v.events()).filter((e) => e.type.startsWith('form_')).sort((a, b) => a.ts - b.ts)
  const forms = await waitFor(async () => {
    const f = await formEvents()
    return f.length >= 4 && f.some((e) => e.type == 'form_submit') && f
  }, 'the form events up to the submit')
  assert.deepEqual(
    forms.map((e) => [e.type, e.props.form, e.props.field, e.props.order]),
    [
      ['form_start', 'login', undefined, undefined],
      ['form_field', 'login', 'email', 1],
      ['form_field', 'login', 'email', 2],
      ['form_submit', 'login', undefined, undefined],
    ],
  )
  const firstField = forms[1]
  assert.ok(firstField.props.dwell_ms >= 250, 'dwell time covers the typing: ' + firstField.props.dwell_ms)
  assert.equal(forms.filter((e) => e.type == 'form_abandon').length, 0, 'a submitted form is not abandoned')
  for (const r of await v.requests()) {
    assert.ok(!r.raw.includes(SECRET), 'the typed secret never leaves the page')
    assert.ok(!r.raw.includes('hidden-token-value'))
    assert.doesNotMatch(r.raw, /"field":"(password|csrf)"/)
  }
  for (const r of v.sent) assert.ok(!r.raw.includes(SECRET), 'nor any request the browser reports')
  if (h.real) {
    // ClickHouse: the whole session is stored, and the secret is in none of its rows.
    const rows = await v.stored((rows) => rows.some((r) => r.type == 'form_submit') && rows.some((r) => r.path == '/__e2e/welcome'), 'the stored form session')
    assert.deepEqual(
      rows.filter((r) => r.type.startsWith('form_')).length,
      4,
    )
    const all = JSON.stringify(rows)
    assert.ok(!all.includes(SECRET), 'the typed secret is in no stored row')
    assert.ok(!all.includes('hidden-token-value'))
    assert.ok(!all.includes('"password"') && !all.includes('"csrf"'), 'sensitive fields are not named in storage either')
  }
  await v.close()
})

test('payment fields are not named; a started form left without submit is abandoned', async () => {
  const v = await h.visitor()
  v.define('elsewhere', { title: 'Elsewhere' })
  await v.open('pay', { body: checkout })
  const p = v.page
  for (const sel of ['#holder', 'input[name=cardnumber]', 'input[name=cvc]', 'input[name=iban]']) {
    await p.click(sel)
    await p.keyboard.type('4111111111111111')
  }
  await p.click('textarea[name=note]')
  await p.keyboard.type('ring twice')
  await p.click('button:has-text("Pay")')
  await p.click('#nl-email')
  await p.keyboard.type(SECRET)
  await p.click('#away')
  await p.waitForURL('**/__e2e/elsewhere')
  const abandon = await v.waitForEvent((e) => e.type == 'form_abandon', 'the abandonment')
  assert.deepEqual(abandon.props, { form: 'newsletter', last_field: 'nl-email', fields: 1 })
  const forms = (await v.events()).filter((e) => e.type.startsWith('form_'))
  assert.deepEqual(
    forms.map((e) => [e.type, e.props.form, e.props.field]),
    [
      ['form_start', 'payment', undefined],
      ['form_field', 'payment', 'note'],
      ['form_submit', 'payment', undefined],
      ['form_start', 'newsletter', undefined],
      ['form_field', 'newsletter', 'nl-email'],
      ['form_abandon', 'newsletter', undefined],
    ],
  )
  for (const r of await v.requests()) {
    assert.ok(!r.raw.includes('4111'), 'no card number')
    assert.ok(!r.raw.includes(SECRET))
    assert.ok(!r.raw.includes('ring twice'))
    assert.doesNotMatch(r.raw, /holder|cardnumber|cvc|iban/)
  }
  await v.close()
})
