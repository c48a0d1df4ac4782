// What every e2e file shares: the service's address and admin token (run.mjs sets them), the admin API, waiting,
// Chromium, axe-core, a page that records console errors, and a user of a given role signed in by invitation.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const URL_ = (process.env.ANALYTICS_E2E_URL || '').replace(/\/+$/, '')
export const TOKEN = process.env.ANALYTICS_E2E_TOKEN || ''
export const ARTIFACTS = process.env.ANALYTICS_E2E_ARTIFACTS || fileURLToPath(new URL('./artifacts/', import.meta.url))
mkdirSync(ARTIFACTS, { recursive: true })
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']

export const admin = async (path, init = {}) => {
  const r = await fetch(URL_ + path, { ...init, headers: { Authorization: 'Bearer ' + TOKEN, 'Content-Type': 'application/json', ...init.headers } })
  if (!r.ok) throw new Error(`${init.method || 'GET'} ${path}: ${r.status} ${await r.text()}`)
  return r.status == 204 ? null : r.json()
}
export const post = (path, body) => admin(path, { method: 'POST', body: JSON.stringify(body) })
export const pause = (ms) => new Promise((r) => setTimeout(r, ms))
export const waitFor = async (fn, what, ms = 20000) => {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await pause(200)
  }
}

const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url))

/** axe-core over the page as it is now: no serious or critical violation. */
export async function assertAccessible(page, what) {
  await page.addScriptTag({ path: AXE })
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))
  const serious = result.violations.filter((v) => v.impact == 'serious' || v.impact == 'critical')
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), [], 'accessibility of ' + what)
}

/** A page that records every console error and uncaught exception. */
export async function openPage(context) {
  const page = await context.newPage()
  const errors = []
  page.on('console', (m) => m.type() == 'error' && errors.push({ text: m.text(), url: m.location().url }))
  page.on('pageerror', (e) => errors.push({ text: String(e), url: '' }))
  return { page, errors }
}

export const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS })

/**
 * A new user of `role`, member of `sites`, signed in in a new browser context through an invitation (the way a
 * person gets in). Returns the context, its page, the errors it recorded and the user.
 */
export async function signInAs(browser, role, sites, { login = `${role}-${Date.now()}@e2e.example`, password = 'correct horse battery staple', locale = 'en-US', viewport = { width: 1280, height: 900 } } = {}) {
  const user = await post('/api/users', { name: `E2E ${role}`, role })
  for (const s of sites) await post(`/api/sites/${s.key}/members`, { user_id: user.id })
  const invitation = await post(`/api/users/${user.id}/invitation`, { login })
  const context = await browser.newContext({ locale, viewport })
  const { page, errors } = await openPage(context)
  await page.goto(invitation.url)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Password again').fill(password)
  await page.getByRole('button', { name: /Set password and sign in|Passwort festlegen/ }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/invite'))
  return { context, page, errors, user, login, password }
}
