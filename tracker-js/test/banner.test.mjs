import { test } from 'node:test'
import assert from 'node:assert/strict'
import { STRINGS, language } from '../src/banner/strings.js'

test('the banner speaks the page language: German and English, English otherwise', () => {
  assert.equal(language('de'), 'de')
  assert.equal(language('de-AT'), 'de')
  assert.equal(language('DE-ch'), 'de')
  assert.equal(language('en-GB'), 'en')
  assert.equal(language('fr'), 'en')
  assert.equal(language(''), 'en')
  assert.equal(language(undefined), 'en')
})

test('every language has every text, and accept and reject are worded alike', () => {
  const keys = Object.keys(STRINGS.en).sort()
  for (const [lang, t] of Object.entries(STRINGS)) {
    assert.deepEqual(Object.keys(t).sort(), keys, lang)
    for (const k of keys) assert.ok(t[k].length > 0, lang + '.' + k)
  }
  assert.equal(STRINGS.en.accept.split(' ').length, STRINGS.en.reject.split(' ').length)
  assert.equal(STRINGS.de.accept.split(' ').length, STRINGS.de.reject.split(' ').length)
})
