import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cleanUrl } from '../src/urls.js'
import { buildEvent } from '../src/payload.js'
import { fakeWindow } from './fake-dom.mjs'

test('a URL loses its fragment and every parameter named like a secret, whatever its case', () => {
  const cases = [
    ['https://shop.example/p/1', 'https://shop.example/p/1'],
    ['https://shop.example/cb#access_token=abc&state=1', 'https://shop.example/cb'],
    ['https://shop.example/?email=jane%40example.com', 'https://shop.example/?'],
    ['https://shop.example/p?id=3&Email=j&utm_source=news&token=t&gclid=g#x', 'https://shop.example/p?id=3&&utm_source=news&&gclid=g'],
    ['https://shop.example/p?userEmail=a&api_key=b&PASSWORD=c&client_secret=d&auth=e&code=f&session_id=g&PHPSESSID=h&sid=i&mail=j', 'https://shop.example/p?&&&&&&&&&'],
    ['https://shop.example/p?access_token&q=shoes', 'https://shop.example/p?&q=shoes'],
    ['https://shop.example/mailbox/key?page=2', 'https://shop.example/mailbox/key?page=2'],
    ['https://shop.example/p?q=token&ref=mail', 'https://shop.example/p?q=token&ref=mail'],
    ['https://www.google.com/', 'https://www.google.com/'],
    ['', ''],
  ]
  for (const [url, sent] of cases) assert.equal(cleanUrl(url), sent, url)
})

test('the page URL and the referrer of an event are sent cleaned', () => {
  const { w } = fakeWindow({ url: 'https://shop.example/reset?token=t1&utm_source=news#k=v' })
  w.document.referrer = 'https://shop.example/login?email=jane%40example.com&next=%2Fa'
  const e = buildEvent(w, { type: 'pageview' }, { analytics: false, marketing: false })
  assert.equal(e.url, 'https://shop.example/reset?&utm_source=news')
  assert.equal(e.referrer, 'https://shop.example/login?&next=%2Fa')
  assert.doesNotMatch(JSON.stringify(e), /jane|t1|k=v/)
})
