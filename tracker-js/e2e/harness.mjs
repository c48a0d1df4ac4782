// The end-to-end harness: Debian's Chromium driven by playwright-core, against the real analytics
// service (ANALYTICS_E2E_URL + ANALYTICS_E2E_TOKEN, which e2e/run.mjs sets after starting one) or,
// without them, the local stub.
//
// Three origins, as on a real shop:
// - the shop: test pages at http://localhost:PORT/__e2e/NAME, from a small server of this harness;
// - the service as the page sees it: the stub, or (real mode) a recording pass-through to the service
//   (stub-server.mjs with `upstream`), whose log holds every body the tracker sent, beacons included;
// - the real service itself, whose /api/events/recent shows what ClickHouse stored.
// Pages and service differ in origin, so CORS and the site's allowed domains are exercised; no request
// of the tests' pages is intercepted by Playwright (routes are per test, where a test needs one).
import { chromium } from 'playwright-core'
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { startStub } from './stub-server.mjs'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
]

const REAL = process.env.ANALYTICS_E2E_URL ? process.env.ANALYTICS_E2E_URL.replace(/\/+$/, '') : null
const TOKEN = process.env.ANALYTICS_E2E_TOKEN || ''

// The admin API of the real service.
const admin = async (path, init = {}) => {
  const r = await fetch(REAL + path, { ...init, headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json', ...init.headers } })
  if (!r.ok) throw new Error(`${init.method || 'GET'} ${path}: ${r.status} ${await r.text()}`)
  return r.json()
}

// The shop: serves the pages the tests define, and two files to download.
const startShop = async (pages) => {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://shop').pathname
    req.resume()
    const send = (status, type, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
      res.end(body)
    }
    if (path.startsWith('/__e2e/')) {
      const html = pages.get(path.slice('/__e2e/'.length))
      return html == null ? send(404, 'text/plain', 'no page ' + path) : send(200, 'text/html; charset=utf-8', html)
    }
    if (path.startsWith('/files/')) return send(200, 'application/pdf', '%PDF-1.4', { 'Content-Disposition': 'attachment' })
    if (path == '/export') return send(200, 'text/csv', 'a,b', { 'Content-Disposition': 'attachment' })
    send(404, 'text/plain', 'not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://localhost:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms))

// Polls fn until it answers something truthy; fails with `what` after timeoutMs.
export const waitFor = async (fn, what, timeoutMs = 8000) => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await pause(100)
  }
}

// The snippet of DESIGN.md plus the script tag; opts: consent, lang, title, body, head, attrs, queue.
export const testPage = (base, site, opts = {}) => `<!doctype html>
<html lang="${opts.lang || 'en'}">
<head>
<meta charset="utf-8">
<title>${opts.title || 'E2E page'}</title>
<script>window.analytics = window.analytics || function(){(analytics.q = analytics.q || []).push(arguments)};${opts.queue || ''}</script>
<script defer src="${base}/t.js" data-site="${site}"${opts.consent ? ` data-consent="${opts.consent}"` : ''}${opts.attrs || ''}></script>
${opts.head || ''}
</head>
<body>
${opts.body || '<h1>E2E</h1>'}
</body>
</html>`

export const startHarness = async () => {
  if (REAL && !TOKEN) throw new Error('ANALYTICS_E2E_URL needs ANALYTICS_E2E_TOKEN (an admin token of that service)')
  const stub = await startStub(0, { upstream: REAL })
  const service = stub.base // the service, as the pages see it
  const pages = new Map()
  const shop = await startShop(pages)
  const base = shop.base // where the test pages live
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })

  // The newest rows ClickHouse stored for a site (real mode).
  const stored = (site, limit = 200) => admin(`/api/events/recent?site=${encodeURIComponent(site)}&limit=${limit}`)

  // One visitor: a fresh browser context (no cookies, no storage) and what it sent.
  // site: the key its pages use (default: a fresh site per visitor, so that its rows are its own).
  // userAgent: another browser's (headless Chromium's own is a bot's to the service, whose sessions leave it out).
  const visitor = async ({ gpc = false, dnt = false, locale = 'en-US', site, userAgent } = {}) => {
    site =
      site ||
      (REAL
        ? (await admin('/api/sites', { method: 'POST', body: JSON.stringify({ name: 'e2e ' + randomUUID().slice(0, 8), domains: ['localhost', '127.0.0.1'] }) })).key
        : 'e2e-' + randomUUID().slice(0, 8))
    const context = await browser.newContext({ locale, ...(userAgent && { userAgent }) })
    if (gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))
    if (dnt) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }))

    // What reached the service, in arrival order (the stub's or the pass-through's log).
    const requests = async () => {
      const all = await (await fetch(service + '/__stub/log')).json()
      return all.filter((r) => r.body && r.body.site == site)
    }
    const events = async () =>
      (await requests())
        .filter((r) => r.path == '/api/collect')
        .flatMap((r) => r.body.events)
        .filter((e) => !e.name?.startsWith('e2e_flush_')) // the markers of `flushed`
    const proofs = async () => (await requests()).filter((r) => r.path == '/api/consent').map((r) => r.body)
    // What the browser itself reports sending to the service (Playwright misses beacons sent on page hide),
    // and which of those requests have no answer yet.
    const sent = []
    const inFlight = new Set()
    context.on('request', (r) => {
      if (!r.url().startsWith(service + '/api/')) return
      sent.push({ url: r.url(), raw: r.postData() || '' })
      inFlight.add(r)
    })
    context.on('response', (r) => inFlight.delete(r.request())) // keepalive fetches report no 'requestfinished'
    context.on('requestfailed', (r) => inFlight.delete(r))

    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e))
    // Every request the page started so far has reached the service and been answered: the page makes one
    // more request of its own (after all of them) and waits for its answer, then no tracker request is open.
    const settled = async () => {
      const noneOpen = () => waitFor(async () => inFlight.size == 0, 'the answers to the tracker\'s open requests')
      await noneOpen()
      await page.evaluate((url) => fetch(url, { method: 'POST', body: 'settle' }).then((r) => r.text()), service + '/__stub/settle')
      await noneOpen()
    }
    const define = (name, opts) => pages.set(name, typeof opts == 'string' ? opts : testPage(service, site, opts))
    return {
      site,
      context,
      page,
      errors,
      requests,
      events,
      proofs,
      sent,
      // Serves `html` (or testPage options) at base/__e2e/name, opens it and waits for the tracker.
      open: async (name, opts = {}) => {
        define(name.split('?')[0], opts)
        await page.goto(base + '/__e2e/' + name)
        await page.waitForFunction(() => window.analytics && !window.analytics.q)
      },
      define,
      waitForEvent: (pred, what, timeoutMs) => waitFor(async () => (await events()).find(pred), what, timeoutMs),
      settled,
      // Everything the tracker queued so far has been sent and answered: a last event goes into the queue behind
      // it, and once that one has arrived (batches leave in order), the page's requests are settled.
      flushed: async () => {
        const name = 'e2e_flush_' + randomUUID().slice(0, 8)
        await page.evaluate((n) => analytics('track', n), name)
        const arrived = async () => (await requests()).some((r) => r.path == '/api/collect' && r.body.events.some((e) => e.name == name))
        await waitFor(arrived, 'the flush marker ' + name)
        await settled()
      },
      // Real mode: the rows ClickHouse stored for this visitor's site, once `ready(rows)` holds.
      stored: (ready = (rows) => rows.length, what = 'the stored rows', timeoutMs = 10000) =>
        waitFor(async () => {
          const rows = await stored(site)
          return ready(rows) && rows
        }, what, timeoutMs),
      // Links to https://outbound.example/ and https://files.example/ land on a stand-in page.
      elsewhere: () => context.route(/^https:\/\/(outbound|files)\.example\//, (route) => route.fulfill({ contentType: 'text/html', body: '<h1>elsewhere</h1>' })),
      // The tracker started on this page and did not ask for the banner: start() adds t-banner.js at once when it does.
      noBanner: async () =>
        (await page.$('[data-analytics-banner]')) == null && (await page.$('script[src$="t-banner.js"]')) == null,
      storage: () =>
        page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length })),
      close: () => context.close(),
    }
  }

  return {
    base,
    service,
    real: !!REAL,
    stub,
    visitor,
    // Makes the service's next answers to `path` fail (stub or pass-through alike).
    fail: (spec) => fetch(service + '/__stub/fail', { method: 'POST', body: JSON.stringify(spec) }),
    close: async () => {
      await browser.close()
      await stub.close()
      await shop.close()
    },
  }
}
