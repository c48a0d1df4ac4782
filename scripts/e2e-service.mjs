// What the tracker's and the dashboard's `npm run e2e` share: start one real analytics service (the Release build,
// embedded ClickHouse, a fresh temporary data directory, no rate limit, plus the caller's settings), run the given
// e2e/*.test.mjs files against it with node's test runner, then stop the service and remove its data. Exits with the
// runner's status. ANALYTICS_E2E_URL (and ANALYTICS_E2E_TOKEN) run them against a service that is already running.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const DLL = join(REPO, 'src/Analytics.Api/bin/Release/net10.0/Analytics.Api.dll')

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

let service = null // { child, dir, log }
let stopping = null

// SIGTERM, then SIGKILL after 10 s; the data directory goes with it.
const stop = () =>
  (stopping ||= (async () => {
    if (!service) return
    const { child, dir } = service
    if (child.exitCode == null && child.signalCode == null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  })())

const tail = (file, lines = 40) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

const startService = async ({ root, name, settings, readyMs, check }) => {
  check?.()
  if (!existsSync(DLL)) {
    console.log('# building the service (dotnet build src/Analytics.Api -c Release)')
    const b = spawnSync('dotnet', ['build', join(REPO, 'src/Analytics.Api'), '-c', 'Release', '-nologo', '-v', 'quiet', '-clp:ErrorsOnly'], { stdio: 'inherit' })
    if (b.status !== 0) throw new Error('dotnet build failed')
  }
  const dir = mkdtempSync(join(tmpdir(), `analytics-${name}-e2e-`))
  const log = join(dir, 'service.log')
  const out = openSync(log, 'a')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const token = 'e2e-' + randomBytes(16).toString('hex')
  const child = spawn('dotnet', [DLL], {
    cwd: REPO,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      ANALYTICS_URLS: url,
      ANALYTICS_DATA_DIR: join(dir, 'data'),
      ANALYTICS_ADMIN_TOKEN: token,
      Ingestion__RateLimitPerSecond: '0',
      ...settings,
    },
  })
  service = { child, dir, log }
  const started = Date.now()
  for (;;) {
    if (child.exitCode != null || child.signalCode != null) throw new Error(`the service exited (${child.exitCode ?? child.signalCode}):\n${tail(log)}`)
    try {
      if ((await fetch(url + '/readyz')).status == 200) break
    } catch {}
    if (Date.now() - started > readyMs) throw new Error(`the service was not ready within ${readyMs / 1000} s:\n` + tail(log))
    await new Promise((r) => setTimeout(r, 100))
  }
  console.log(`# service ${url} ready in ${Date.now() - started} ms (data ${dir})`)
  return { ANALYTICS_E2E_URL: url, ANALYTICS_E2E_TOKEN: token }
}

// Whatever ends this process, the service goes too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, async () => {
    await stop()
    process.exit(130)
  })
process.on('exit', () => service?.child.exitCode == null && service?.child.kill('SIGKILL'))

/**
 * Runs the e2e files of `root` (the command line's, else every e2e/*.test.mjs) against a started service and exits.
 * `name` names the temporary directory, `settings` are the service's extra environment, `check` throws when something
 * the tests need is missing, `env` (when it answers an object) replaces starting a service (the tracker's stub mode).
 */
export async function runE2e({ root, name, settings = {}, readyMs = 60000, check, env: given }) {
  const files = process.argv.slice(2).length
    ? process.argv.slice(2)
    : readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join('e2e', f))
  let status = 1
  try {
    let env = given?.() ?? null
    if (!env && process.env.ANALYTICS_E2E_URL) {
      console.log('# against ' + process.env.ANALYTICS_E2E_URL)
      env = {}
    }
    env ??= await startService({ root, name, settings, readyMs, check })
    const tests = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
    status = await new Promise((resolve) => tests.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
    if (status != 0 && service) console.log('# last lines of the service log:\n' + tail(service.log).replace(/^/gm, '#   '))
  } catch (e) {
    console.error('e2e: ' + e.message)
    status = 1
  } finally {
    await stop()
  }
  process.exit(status)
}
