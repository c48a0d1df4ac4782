import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decode, encode, initialConsent, privacySignal } from '../src/consent.js'

test('Global Privacy Control and Do-Not-Track are privacy signals; their absence is not', () => {
  assert.equal(privacySignal({ globalPrivacyControl: true }), true)
  assert.equal(privacySignal({ doNotTrack: '1' }), true)
  assert.equal(privacySignal({ globalPrivacyControl: false, doNotTrack: '0' }), false)
  assert.equal(privacySignal({ doNotTrack: 'unspecified' }), false)
  assert.equal(privacySignal({}), false)
})

test('purposes encode to the two-character decision code and back', () => {
  assert.equal(encode({ analytics: true, marketing: false }), '10')
  assert.equal(encode({ analytics: 1, marketing: 'yes' }), '11')
  assert.equal(encode({ marketing: true }), '01')
  assert.equal(encode(undefined), '00')
  assert.equal(encode('yes'), '00')
  assert.deepEqual(decode('10'), { analytics: true, marketing: false })
  assert.deepEqual(decode('01'), { analytics: false, marketing: true })
})

test('initial consent: signals win, then a remembered decision, then the mode', () => {
  assert.equal(initialConsent(null, undefined, false), '00', 'required is the default')
  assert.equal(initialConsent('required', undefined, false), '00')
  assert.equal(initialConsent('banner', undefined, false), '00')
  assert.equal(initialConsent('granted', undefined, false), '10')
  assert.equal(initialConsent('required', '11', false), '11')
  assert.equal(initialConsent('granted', '00', false), '00', 'a remembered withdrawal beats the page')
  assert.equal(initialConsent('granted', '11', true), '00', 'GPC/DNT beat everything')
  assert.equal(initialConsent('required', '1x', false), '00', 'a tampered cookie is ignored')
  assert.equal(initialConsent('granted', 'garbage', false), '10')
})
