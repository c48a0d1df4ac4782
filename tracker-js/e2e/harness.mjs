// The end-to-end harness: Debian's Chromium driven by playwright-core, against either
// the local stub (default) or a running analytics service (ANALYTICS_E2E_URL + ANALYTICS_E2E_SITE).
//
// Test pages are served by request interception on the service's own origin, so the same
// pages work against the stub and against the real service, which serves only /t.js and /demo/.
import { chromium } from 'playwright-core'
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Polls fn until it answers something truthy; fails with `what` after timeoutMs.
export const waitFor = async (fn, what, timeoutMs = 8000) => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await sleep(100)
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
  const stub = REAL ? null : await startStub()
  const base = REAL || stub.base
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })

  // One visitor: a fresh browser context (no cookies, no storage) and what it sent.
  // site: the key its pages use (default: a fresh one per visitor against the stub).
  const visitor = async ({ gpc = false, dnt = false, locale = 'en-US', site } = {}) => {
    site = site || (REAL ? process.env.ANALYTICS_E2E_SITE : 'e2e-' + randomUUID().slice(0, 8))
    const context = await browser.newContext({ locale })
    if (gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))
    if (dnt) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }))
    const pages = new Map()
    await context.route(base + '/__e2e/**', (route) => {
      const name = new URL(route.request().url()).pathname.slice('/__e2e/'.length)
      const html = pages.get(name)
      return html == null ? route.fulfill({ status: 404, body: 'no page ' + name }) : route.fulfill({ contentType: 'text/html; charset=utf-8', body: html })
    })
    // Links leaving the site land here instead of the internet.
    await context.route(/^https:\/\/(outbound|files)\.example\//, (route) => route.fulfill({ contentType: 'text/html', body: '<h1>elsewhere</h1>' }))

    // What reached the service: the stub's log, or the browser's own requests to the real service.
    const seen = []
    if (REAL)
      context.on('request', (r) => {
        const path = new URL(r.url()).pathname
        if (r.method() == 'POST' && (path == '/api/collect' || path == '/api/consent')) {
          const raw = r.postData() || ''
          let body = null
          try {
            body = JSON.parse(raw)
          } catch {}
          seen.push({ path, raw, body, contentType: r.headers()['content-type'] || '' })
        }
      })
    const requests = async () => {
      if (REAL) return seen
      const all = await (await fetch(base + '/__stub/log')).json()
      return all.filter((r) => r.body && r.body.site == site)
    }
    const events = async () => (await requests()).filter((r) => r.path == '/api/collect').flatMap((r) => r.body.events)
    const proofs = async () => (await requests()).filter((r) => r.path == '/api/consent').map((r) => r.body)

    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e))
    return {
      site,
      context,
      page,
      errors,
      requests,
      events,
      proofs,
      // Serves `html` (or testPage options) at base/__e2e/name and opens it.
      open: async (name, opts = {}) => {
        pages.set(name.split('?')[0], typeof opts == 'string' ? opts : testPage(base, site, opts))
        await page.goto(base + '/__e2e/' + name)
        await page.waitForFunction(() => window.analytics && !window.analytics.q)
      },
      define: (name, opts) => pages.set(name, typeof opts == 'string' ? opts : testPage(base, site, opts)),
      waitForEvent: (pred, what) => waitFor(async () => (await events()).find(pred), what),
      storage: () =>
        page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length })),
      close: () => context.close(),
    }
  }

  return {
    base,
    real: !!REAL,
    stub,
    visitor,
    close: async () => {
      await browser.close()
      if (stub) await stub.close()
    },
  }
}
