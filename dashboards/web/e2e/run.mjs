// `npm run e2e`: starts one real analytics service (Release build, embedded ClickHouse, a fresh temporary data
// directory, this app's dist/ as its dashboard), runs every e2e/*.test.mjs against it with node's test runner, then
// stops the service and removes its data. The pattern of tracker-js/e2e/run.mjs. Exits with the runner's status.
//
//   ANALYTICS_E2E_URL=… ANALYTICS_E2E_TOKEN=… npm run e2e   against a service that is already running
//   npm run e2e -- e2e/overview.test.mjs                   only some files
// Screenshots go to e2e/artifacts/ (ANALYTICS_E2E_ARTIFACTS overrides).
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB = fileURLToPath(new URL('..', import.meta.url))
const REPO = join(WEB, '../..')
const DLL = join(REPO, 'src/Analytics.Api/bin/Release/net10.0/Analytics.Api.dll')
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(WEB, 'e2e')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join('e2e', f))

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

let service = null
let stopping = null
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

const startService = async () => {
  if (!existsSync(join(WEB, 'dist/index.html'))) throw new Error('the app is not built: npm run build first')
  if (!existsSync(DLL)) {
    console.log('# building the service (dotnet build src/Analytics.Api -c Release)')
    const b = spawnSync('dotnet', ['build', join(REPO, 'src/Analytics.Api'), '-c', 'Release', '-nologo', '-v', 'quiet', '-clp:ErrorsOnly'], { stdio: 'inherit' })
    if (b.status !== 0) throw new Error('dotnet build failed')
  }
  const dir = mkdtempSync(join(tmpdir(), 'analytics-dash-e2e-'))
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
      ANALYTICS_GEOIP_DATABASE: '',
      Ingestion__RateLimitPerSecond: '0',
      Dashboard__Directory: join(WEB, 'dist'),
    },
  })
  service = { child, dir, log }
  const started = Date.now()
  for (;;) {
    if (child.exitCode != null || child.signalCode != null) throw new Error(`the service exited (${child.exitCode ?? child.signalCode}):\n${tail(log)}`)
    try {
      if ((await fetch(url + '/readyz')).status == 200) break
    } catch {}
    if (Date.now() - started > 90000) throw new Error('the service was not ready within 90 s:\n' + tail(log))
    await new Promise((r) => setTimeout(r, 100))
  }
  console.log(`# service ${url} ready in ${Date.now() - started} ms (data ${dir})`)
  return { ANALYTICS_E2E_URL: url, ANALYTICS_E2E_TOKEN: token }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, async () => {
    await stop()
    process.exit(130)
  })
process.on('exit', () => service?.child.exitCode == null && service?.child.kill('SIGKILL'))

let status = 1
try {
  const env = process.env.ANALYTICS_E2E_URL ? (console.log('# against ' + process.env.ANALYTICS_E2E_URL), {}) : await startService()
  const tests = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: WEB, stdio: 'inherit', env: { ...process.env, ...env } })
  status = await new Promise((resolve) => tests.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
  if (status != 0 && service) console.log('# last lines of the service log:\n' + tail(service.log).replace(/^/gm, '#   '))
} catch (e) {
  console.error('e2e: ' + e.message)
  status = 1
} finally {
  await stop()
}
process.exit(status)
