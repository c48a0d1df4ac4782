import { test } from 'node:test'
import assert from 'node:assert/strict'
import { linkType, linkUrl, markedEvent } from '../src/links.js'
import { FakeElement, anchor } from './fake-dom.mjs'

const HOST = 'shop.example'

test('downloads by extension or download attribute, on any host', () => {
  for (const href of ['/files/a.pdf', 'b.ZIP', '/x/report.docx', 'sheet.xlsx?v=2', 'data.csv#top', 'https://cdn.example/app.dmg', 'setup.exe', 'song.mp3', 'clip.mp4', 'deck.pptx'])
    assert.equal(linkType(anchor(href), HOST), 'download', href)
  assert.equal(linkType(anchor('/export', { download: '' }), HOST), 'download')
})

test('outbound: http(s) links to another host; not same-host pages, mailto, tel or javascript', () => {
  assert.equal(linkType(anchor('https://partner.example/x'), HOST), 'outbound')
  assert.equal(linkType(anchor('http://shop.example:8080/'), HOST), 'outbound', 'another port is another origin')
  for (const href of ['/cart', 'https://shop.example/p/2', '#reviews', 'mailto:a@b.example', 'tel:+4930123', 'javascript:void 0', 'pdf.html'])
    assert.equal(linkType(anchor(href), HOST), false, href)
})

test('the url of a link event has no query or fragment', () => {
  assert.equal(linkUrl(anchor('https://partner.example/x?token=secret#y')), 'https://partner.example/x')
  assert.equal(linkUrl(anchor('/files/a.pdf?sig=1')), 'https://shop.example/files/a.pdf')
})

test('marked elements: name from data-analytics-event, props from data-analytics-prop-*', () => {
  const el = new FakeElement('button', {
    'data-analytics-event': 'size_chart',
    'data-analytics-prop-product': 'p-7',
    'data-analytics-prop-color-name': 'sand',
    'data-analytics-other': 'no',
    class: 'x',
  })
  assert.deepEqual(markedEvent(el), { type: 'custom', name: 'size_chart', props: { product: 'p-7', 'color-name': 'sand' } })
})
