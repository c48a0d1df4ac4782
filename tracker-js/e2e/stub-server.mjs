// A stand-in for the analytics service, for the tracker's end-to-end tests:
// serves dist/ at /t.js and /t-banner.js, demo/ at /demo/, and records every body
// POSTed to /api/collect and /api/consent. Test controls under /__stub/.
//
//   node e2e/stub-server.mjs [port]      run it by hand (default 5081) and open /demo/
import { createServer } from 'node:http'
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

export const startStub = async (port = 0) => {
  const log = []
  // Failures to answer next, per path: [{status, retryAfter}]
  const failures = { '/api/collect': [], '/api/consent': [] }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://stub')
    const chunks = []
    for await (const c of req) chunks.push(c)
    const raw = Buffer.concat(chunks).toString('utf8')
    const reply = (status, body, headers = {}) => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers })
      res.end(body)
    }

    if (url.pathname in failures) {
      if (req.method == 'OPTIONS') return reply(204, '', CORS)
      if (req.method != 'POST') return reply(405, '', CORS)
      let body
      try {
        body = JSON.parse(raw)
      } catch {
        body = null
      }
      const failure = failures[url.pathname].shift()
      log.push({
        path: url.pathname,
        contentType: req.headers['content-type'] || '',
        origin: req.headers.origin || '',
        status: failure ? failure.status : 202,
        at: Date.now(),
        raw,
        body,
      })
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
