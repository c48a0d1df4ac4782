import { test } from 'node:test'
import assert from 'node:assert/strict'
import { webcrypto } from 'node:crypto'
import { SESSION_SECONDS, VISITOR_SECONDS, getCookie, randomId, setCookie } from '../src/cookies.js'

test('cookies are first-party, SameSite=Lax, Secure on https, with a Max-Age', () => {
  const doc = { cookie: '' }
  setCookie(doc, true, '_an_vid', 'abc', VISITOR_SECONDS)
  assert.equal(doc.cookie, '_an_vid=abc;Max-Age=33696000;Path=/;SameSite=Lax;Secure')
  setCookie(doc, false, '_an_sid', 'x', SESSION_SECONDS)
  assert.equal(doc.cookie, '_an_sid=x;Max-Age=1800;Path=/;SameSite=Lax')
})

test('the visitor cookie lives at most 13 months; the session 30 minutes', () => {
  assert.ok(VISITOR_SECONDS <= 393 * 86400, 'the shortest 13 months have 393 days')
  assert.ok(VISITOR_SECONDS >= 365 * 86400)
  assert.equal(SESSION_SECONDS, 30 * 60)
})

test('getCookie finds a cookie by exact name only', () => {
  const doc = { cookie: 'x_an_vid=no; _an_vid=yes; _an_sid=s' }
  assert.equal(getCookie(doc, '_an_vid'), 'yes')
  assert.equal(getCookie(doc, '_an_sid'), 's')
  assert.equal(getCookie(doc, '_an_consent'), undefined)
  assert.equal(getCookie({ cookie: '' }, '_an_vid'), undefined)
})

test('random ids are long, url-safe and distinct', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => randomId(webcrypto)))
  assert.equal(ids.size, 1000)
  for (const id of ids) assert.match(id, /^[0-9a-z]{4,28}$/)
})
