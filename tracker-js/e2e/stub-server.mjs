// A stand-in for the analytics service, for the tracker's end-to-end tests:
// serves dist/ at /t.js and /t-banner.js, demo/ at /demo/, and records every body
// POSTed to /api/collect and /api/consent. Test controls under /__stub/.
//
// With `upstream` (the real service's origin) it is a recording pass-through instead: every
// request is forwarded to the service as the browser sent it (Origin, User-Agent, body) and the
// service's answer (status, CORS headers, body) goes back unchanged; only the log and the failures
// ordered through /__stub/fail are its own. Neither Playwright nor the DevTools protocol reports the
// beacons that a page sends from `pagehide`, so this log is how the tests see everything sent.
//
//   node e2e/stub-server.mjs [port]      run it by hand (default 5081) and open /demo/
import { createServer, request as httpRequest } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.pdf': 'application/pdf' }
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Expose-Headers': 'Retry-After',
}

// Forwards req (body already read) to upstream and pipes the answer back; resolves with the status.
const forward = (upstream, req, res, raw) =>
  new Promise((resolve) => {
    const target = new URL(req.url, upstream)
    const headers = { ...req.headers, host: target.host }
    delete headers.connection
    const out = httpRequest(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers)
      answer.pipe(res)
      answer.on('end', () => resolve(answer.statusCode))
    })
    out.on('error', (e) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' })
      res.end('upstream: ' + e.message)
      resolve(502)
    })
    out.end(raw)
  })

export const startStub = async (port = 0, { upstream } = {}) => {
  const log = []
  // Failures to answer next, per path: [{status, retryAfter}]
  const failures = { '/api/collect': [], '/api/consent': [] }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://stub')
    const chunks = []
    for await (const c of req) chunks.push(c)
    const rawBytes = Buffer.concat(chunks)
    const raw = rawBytes.toString('utf8')
    const reply = (status, body, headers = {}) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers })
      res.end(body)
    }

    if (url.pathname in failures && req.method == 'POST') {
      let body
      try {
        body = JSON.parse(raw)
      } catch {
        body = null
      }
      const failure = failures[url.pathname].shift()
      const entry = {
        path: url.pathname,
        contentType: req.headers['content-type'] || '',
        origin: req.headers.origin || '',
        status: failure ? failure.status : 202,
        at: Date.now(),
        raw,
        body,
      }
      log.push(entry)
      if (upstream && !failure) return void (entry.status = await forward(upstream, req, res, rawBytes))
      if (failure)
        return reply(failure.status, '{"title":"stub failure"}', {
          ...CORS,
          'Content-Type': 'application/problem+json',
          ...(failure.retryAfter != null ? { 'Retry-After': String(failure.retryAfter) } : {}),
        })
      if (!body) return reply(400, '{"title":"malformed JSON"}', { ...CORS, 'Content-Type': 'application/problem+json' })
      const answer = url.pathname == '/api/collect' ? { accepted: (body.events || []).length, rejected: [] } : { recorded: true }
      return reply(202, JSON.stringify(answer), { ...CORS, 'Content-Type': 'application/json' })
    }

    if (url.pathname in failures && !upstream) return reply(req.method == 'OPTIONS' ? 204 : 405, '', CORS)
    // The page's own last request, to know that every request it made before has been answered (harness `settled`).
    if (url.pathname == '/__stub/settle') return reply(200, 'settled', { ...CORS, 'Content-Type': 'text/plain' })
    if (url.pathname == '/__stub/log') return reply(200, JSON.stringify(log), { 'Content-Type': 'application/json' })
    if (url.pathname == '/__stub/reset' && req.method == 'POST') {
      log.length = 0
      return reply(204, '')
    }
    // POST /__stub/fail {"path": "/api/collect", "status": 503, "retryAfter": 1, "count": 2}
    if (url.pathname == '/__stub/fail' && req.method == 'POST') {
      const f = JSON.parse(raw)
      for (let i = 0; i < (f.count || 1); i++) failures[f.path].push({ status: f.status, retryAfter: f.retryAfter })
      return reply(204, '')
    }

    if (upstream) return forward(upstream, req, res, rawBytes)

    // Static files: /t.js and /t-banner.js from dist/, /demo/… from demo/.
    let file
    if (url.pathname == '/t.js' || url.pathname == '/t-banner.js') file = join(ROOT, 'dist', url.pathname)
    else if (url.pathname == '/demo' || url.pathname == '/') return reply(302, '', { Location: '/demo/' })
    else if (url.pathname.startsWith('/demo/')) {
      const rel = normalize(decodeURIComponent(url.pathname.slice('/demo/'.length)) || 'index.html')
      if (rel.startsWith('..')) return reply(404, 'not found')
      file = join(ROOT, 'demo', rel.endsWith('/') ? rel + 'index.html' : rel)
    }
    if (!file) return reply(404, 'not found')
    try {
      const content = await readFile(file)
      reply(200, content, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' })
    } catch {
      reply(404, 'not found')
    }
  })

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  return {
    base,
    log: () => log,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stub = await startStub(+(process.argv[2] || 5081))
  console.log(`stub analytics service on ${stub.base} (demo: ${stub.base}/demo/, log: ${stub.base}/__stub/log)`)
}
