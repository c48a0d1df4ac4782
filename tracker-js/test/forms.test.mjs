import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createFormTracker, fieldName, formName, isField, isSensitive } from '../src/forms.js'
import { FakeElement } from './fake-dom.mjs'

const form = (attrs = {}) => new FakeElement('form', attrs)
const input = (f, attrs = {}, tag = 'input') => new FakeElement(tag, attrs, { form: f })

test('fields are inputs, selects and textareas of a form; buttons are not', () => {
  const f = form()
  assert.ok(isField(input(f, { name: 'email', type: 'email' })))
  assert.ok(isField(input(f, { name: 'note' }, 'textarea')))
  assert.ok(isField(input(f, { name: 'size' }, 'select')))
  for (const type of ['submit', 'button', 'reset', 'image']) assert.ok(!isField(input(f, { type })), type)
  assert.ok(!isField(new FakeElement('button', {}, { form: f })))
  assert.ok(!isField(input(null, { name: 'q' })), 'a field outside any form')
})

test('passwords, hidden and payment fields are sensitive', () => {
  const f = form()
  const sensitive = [
    { type: 'password', name: 'pw' },
    { type: 'hidden', name: 'csrf' },
    { autocomplete: 'cc-number', name: 'n1' },
    { autocomplete: 'billing cc-exp', name: 'n2' },
    { autocomplete: 'cc-csc' },
    { autocomplete: 'one-time-code', name: 'otp' },
    { name: 'cardnumber' },
    { name: 'card_holder' },
    { id: 'CVC' },
    { name: 'cvv2' },
    { name: 'iban' },
    { name: 'user_password_confirm', type: 'text' },
  ]
  for (const a of sensitive) assert.ok(isSensitive(input(f, a)), JSON.stringify(a))
  for (const a of [{ name: 'email', type: 'email', autocomplete: 'email' }, { name: 'street', autocomplete: 'street-address' }, { name: 'shipping' }, { id: 'quantity', type: 'number' }])
    assert.ok(!isSensitive(input(f, a)), JSON.stringify(a))
})

test('a form is named by data-analytics-form, id or name; a field by name or id', () => {
  assert.equal(formName(form({ 'data-analytics-form': 'checkout', id: 'f1', name: 'n' })), 'checkout')
  assert.equal(formName(form({ id: 'login', name: 'n' })), 'login')
  assert.equal(formName(form({ name: 'newsletter' })), 'newsletter')
  assert.equal(formName(form()), 'form')
  // An input named "id" shadows form.id in a browser: names come from attributes.
  const shadowed = Object.defineProperty(form({ id: 'real' }), 'id', { value: new FakeElement('input') })
  assert.equal(formName(shadowed), 'real')
  assert.equal(fieldName(input(form(), { name: 'email', id: 'e' })), 'email')
  assert.equal(fieldName(input(form(), { id: 'e' })), 'e')
  assert.equal(fieldName(input(form(), { type: 'email' })), 'email')
})

const tracker = () => {
  const events = []
  let now = 1000
  const t = createFormTracker((type, props) => events.push([type, props]), () => now)
  return { t, events, advance: (ms) => (now += ms) }
}

test('focus order and dwell time per field; a refocus counts again; submit ends the session', () => {
  const { t, events, advance } = tracker()
  const f = form({ id: 'login' })
  const email = input(f, { name: 'email', type: 'email' })
  const password = input(f, { name: 'password', type: 'password' })
  const remember = input(f, { name: 'remember', type: 'checkbox' })
  t.focusin(email)
  advance(1200)
  t.focusout(email)
  t.focusin(password)
  advance(3000)
  t.focusout(password)
  t.focusin(remember)
  advance(100)
  t.focusout(remember)
  t.focusin(email)
  advance(50)
  t.submit(f) // Enter in a field: no blur before submit
  assert.deepEqual(events, [
    ['form_start', { form: 'login' }],
    ['form_field', { form: 'login', field: 'email', order: 1, dwell_ms: 1200 }],
    ['form_field', { form: 'login', field: 'remember', order: 2, dwell_ms: 100 }],
    ['form_field', { form: 'login', field: 'email', order: 3, dwell_ms: 50 }],
    ['form_submit', { form: 'login' }],
  ])
  t.leave()
  assert.equal(events.length, 5, 'a submitted form is not abandoned')
})

test('a started form left unsubmitted is abandoned, with its last named field', () => {
  const { t, events, advance } = tracker()
  const a = form({ name: 'newsletter' })
  const b = form({ id: 'search' })
  t.focusin(input(a, { name: 'email' }))
  advance(10)
  t.focusin(input(a, { name: 'cvc' })) // focus moves on: the first field ends without a blur event
  t.focusin(input(b, { name: 'q' }))
  t.submit(b)
  t.leave()
  assert.deepEqual(events, [
    ['form_start', { form: 'newsletter' }],
    ['form_field', { form: 'newsletter', field: 'email', order: 1, dwell_ms: 10 }],
    ['form_start', { form: 'search' }],
    ['form_field', { form: 'search', field: 'q', order: 1, dwell_ms: 0 }],
    ['form_submit', { form: 'search' }],
    ['form_abandon', { form: 'newsletter', last_field: 'email', fields: 1 }],
  ])
  t.leave()
  assert.equal(events.length, 6, 'abandonment is reported once')
})

test('a submit without any focus still counts as start and submit; buttons and stray blurs are ignored', () => {
  const { t, events } = tracker()
  const f = form({ id: 'quick' })
  t.focusin(new FakeElement('button', {}, { form: f }))
  t.focusout(input(f, { name: 'never-focused' }))
  t.focusout(new FakeElement('div'))
  t.submit(f)
  assert.deepEqual(events, [
    ['form_start', { form: 'quick' }],
    ['form_submit', { form: 'quick' }],
  ])
})
