// The admin's views in Debian's Chromium against the real service (e2e/run.mjs starts one): an admin creates a site
// in the UI and sees its snippet and settings as the API answers them, sets and rotates its identify secret, creates
// a user, sets the user's sites and role, invites them (the invited person signs in through the link shown), issues a
// sign-in link and an API token, deactivates them, and opens the system page with /api/info's GeoIP state. No console
// errors, no serious accessibility violation; screenshots in e2e/artifacts/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { admin, ARTIFACTS, assertAccessible, launch, openPage, post, signInAs, URL_ } from './lib.mjs'

let browser, site

before(async () => {
  browser = await launch()
  site = await post('/api/sites', { name: 'E2E admin shop', domains: ['admin-shop.example'] })
})

after(async () => {
  await browser?.close()
})

test('an admin creates a site and sees its snippet, and manages a user from creation to deactivation', async () => {
  const { context, page, errors } = await signInAs(browser, 'admin', [])
  page.on('dialog', (d) => d.accept())

  // Sites: every site of the API.
  await page.goto(`${URL_}/admin/sites?site=${site.key}`)
  await page.waitForSelector('table.sites tbody tr')
  const sites = await admin('/api/sites')
  assert.deepEqual(await page.$$eval('table.sites tbody tr', (rows) => rows.map((r) => r.dataset.site)), sites.map((s) => s.key))
  for (const s of sites)
    assert.equal(Number(await page.getAttribute(`tr[data-site="${s.key}"] [data-retention-days]`, 'data-retention-days')), s.retention_days)
  await page.screenshot({ path: join(ARTIFACTS, 'admin-sites.png'), fullPage: true })
  await assertAccessible(page, 'the sites')

  // A new site, with a generated identify secret.
  await page.getByText('Create a site').click()
  await page.getByLabel('Name').fill('E2E created shop')
  await page.getByLabel('Domains').fill('created.example, www.created.example')
  await page.getByLabel('Time zone').fill('Europe/Berlin')
  await page.getByLabel('Retention (days)').fill('90')
  await page.getByLabel('Allowed query parameters').fill('id variant')
  await page.getByRole('button', { name: 'Generate a secret' }).click()
  const secret = await page.inputValue('[data-copy="new-secret"]')
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/)
  await assertAccessible(page, 'the new site form')
  await page.getByRole('button', { name: 'Create site' }).click()
  await page.waitForURL(/\/admin\/sites\/[^/?]+\?/)
  const key = decodeURIComponent(new URL(page.url()).pathname.split('/').pop())
  const created = await admin(`/api/sites/${key}`)
  assert.equal(created.name, 'E2E created shop')
  assert.deepEqual(created.domains, ['created.example', 'www.created.example'])
  assert.equal(created.time_zone, 'Europe/Berlin')
  assert.equal(created.retention_days, 90)
  assert.deepEqual(created.query_params, ['id', 'variant'])
  assert.equal(created.identify_signed, true)
  // Its page: the snippet to copy, the settings and the secret shown once.
  await page.waitForSelector('[data-copy="snippet"]')
  assert.equal(await page.inputValue('[data-copy="snippet"]'), created.snippet)
  assert.match(created.snippet, new RegExp(`data-site="${key}"`))
  assert.equal(await page.inputValue('[data-copy="identify-secret"]'), secret)
  assert.equal(await page.getAttribute('[data-field="retention_days"]', 'data-value'), '90')
  assert.equal(await page.textContent('[data-field="domains"]'), created.domains.join(', '))
  assert.equal(await page.getAttribute('[data-field="identify_signed"]', 'data-value'), 'true')
  await page.screenshot({ path: join(ARTIFACTS, 'admin-site.png'), fullPage: true })
  await assertAccessible(page, 'the new site\'s page')
  // Changing the settings: stored as the API answers them afterwards.
  await page.getByText('Change the settings').click()
  await page.locator('input[name="edit_domains"]').fill('created.example, shop.created.example')
  await page.locator('input[name="edit_retention_days"]').fill('60')
  await page.locator('input[name="edit_time_zone"]').fill('Europe/Vienna')
  await page.getByRole('button', { name: 'Save', exact: true }).click() // a shorter retention asks first (accepted)
  await page.waitForSelector('[data-field="retention_days"][data-value="60"]')
  const changed = await admin(`/api/sites/${key}`)
  assert.deepEqual([changed.domains, changed.retention_days, changed.time_zone, changed.identify_signed], [['created.example', 'shop.created.example'], 60, 'Europe/Vienna', true])
  assert.equal(await page.textContent('[data-field="domains"]'), changed.domains.join(', '))
  assert.equal(await page.textContent('[data-field="time_zone"]'), 'Europe/Vienna')
  // Rotating shows a new secret; removing it makes identify unsigned (as the API says).
  await page.getByRole('button', { name: 'Rotate the secret' }).click()
  await page.waitForFunction((old) => document.querySelector('[data-copy="identify-secret"]')?.value !== old, secret)
  await page.getByRole('button', { name: 'Remove the secret' }).click()
  await page.waitForSelector('[data-field="identify_signed"][data-value="false"]')
  assert.equal((await admin(`/api/sites/${key}`)).identify_signed, false)
  await page.reload()
  await page.waitForSelector('[data-copy="snippet"]')
  assert.equal(await page.locator('[data-copy="identify-secret"]').count(), 0, 'a secret is not shown again')

  // Users: every user of the API.
  await page.goto(`${URL_}/admin/users?site=${site.key}`)
  await page.waitForSelector('table.users tbody tr')
  const users = await admin('/api/users')
  assert.deepEqual(await page.$$eval('table.users tbody tr', (rows) => rows.map((r) => [r.dataset.user, r.querySelector('[data-role]').dataset.role, r.querySelector('[data-tokens]').dataset.tokens])),
    users.map((u) => [u.id, u.role, String(u.tokens.length)]))
  await assertAccessible(page, 'the users')

  // A new marketer: its first API token shown once.
  await page.getByText('Create a user').click()
  await page.getByLabel('Name').fill('E2E invited marketer')
  await page.getByLabel('Role').selectOption('marketer')
  await page.getByRole('button', { name: 'Create user' }).click()
  await page.waitForSelector('[data-copy="created-token"]')
  const token = await page.inputValue('[data-copy="created-token"]')
  const me = await fetch(URL_ + '/api/me', { headers: { Authorization: 'Bearer ' + token } }).then((r) => r.json())
  assert.equal(me.role, 'marketer')
  await page.waitForSelector(`tr[data-user="${me.id}"]`)
  await page.screenshot({ path: join(ARTIFACTS, 'admin-users.png'), fullPage: true })

  // The user's page: membership of a site, an invitation whose link works.
  await page.getByRole('link', { name: 'Invite them, set their sites' }).click()
  await page.waitForURL(new RegExp(`/admin/users/${me.id}`))
  await page.locator(`[data-member-of="${site.key}"]`).click()
  await page.waitForFunction((k) => document.querySelector(`[data-member-of="${k}"]`)?.checked && !document.querySelector(`[data-member-of="${k}"]`)?.disabled, site.key)
  assert.ok((await admin(`/api/sites/${site.key}/members`)).some((m) => m.user_id == me.id))
  await page.getByLabel('Login').fill('invited-marketer@e2e.example')
  await page.getByRole('button', { name: 'Invite', exact: true }).click()
  await page.waitForSelector('[data-copy="link"]')
  const invitation = await page.inputValue('[data-copy="link"]')
  assert.match(invitation, /\/invite#token=/)
  await page.screenshot({ path: join(ARTIFACTS, 'admin-user.png'), fullPage: true })
  await assertAccessible(page, 'the user\'s page')
  {
    const invited = await browser.newContext({ locale: 'en-US' })
    const { page: p, errors: e } = await openPage(invited)
    await p.goto(invitation)
    await p.getByLabel('Password', { exact: true }).fill('correct horse battery staple')
    await p.getByLabel('Password again').fill('correct horse battery staple')
    await p.getByRole('button', { name: 'Set password and sign in' }).click()
    await p.waitForURL(new RegExp(`/overview\\?site=${site.key}`))
    assert.deepEqual(e, [])
    await invited.close()
  }
  // A one-time sign-in link, a second token, a new role.
  await page.getByRole('button', { name: 'One-time sign-in link' }).click()
  await page.waitForFunction(() => /\/auth\/link\?token=/.test(document.querySelector('[data-copy="link"]')?.value ?? ''))
  await page.getByRole('button', { name: 'Issue an API token' }).click()
  await page.waitForSelector('[data-copy="token"]')
  await page.waitForSelector('[data-tokens="2"]')
  await page.locator('select[name="role"]').selectOption('privacy_officer')
  await page.waitForSelector('select[data-role="privacy_officer"]')
  const updated = (await admin('/api/users')).find((u) => u.id == me.id)
  assert.equal(updated.role, 'privacy_officer')
  assert.equal(updated.tokens.length, 2)
  // Deactivated: its tokens no longer work.
  await page.getByRole('button', { name: 'Deactivate', exact: true }).click()
  await page.waitForSelector('[data-field="state"]:has-text("Deactivated")')
  assert.equal((await admin('/api/users')).find((u) => u.id == me.id).deactivated, true)
  assert.equal((await fetch(URL_ + '/api/me', { headers: { Authorization: 'Bearer ' + token } })).status, 401)

  // The system: /api/info's engine and GeoIP state (this service runs without a GeoIP database).
  await page.goto(`${URL_}/admin/system?site=${site.key}`)
  await page.waitForSelector('[data-field="engine"]')
  const info = await admin('/api/info')
  assert.equal(await page.textContent('[data-field="engine"]'), info.engine)
  assert.equal(info.geoip.configured, false)
  assert.equal(await page.getAttribute('[data-field="geoip_configured"]', 'data-value'), 'false')
  assert.equal(await page.locator('[data-field="attribution"]').count(), info.geoip.attribution ? 1 : 0)
  await page.screenshot({ path: join(ARTIFACTS, 'admin-system.png'), fullPage: true })
  await assertAccessible(page, 'the system page')

  // On a phone, in German.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.getByLabel('Language', { exact: true }).selectOption('de')
  await page.goto(`${URL_}/admin/sites/${key}?site=${site.key}`)
  await page.getByRole('heading', { name: 'Snippet' }).waitFor()
  await page.getByRole('heading', { name: 'Einstellungen', exact: true }).waitFor()
  await page.screenshot({ path: join(ARTIFACTS, 'admin-site-phone-de.png'), fullPage: true })
  await assertAccessible(page, 'the site\'s page on a phone, in German')

  assert.deepEqual(errors, [])
  await context.close()
})
