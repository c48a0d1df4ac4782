// The consent banner: accessible (dialog, labels, focus trap, Escape), per purpose, English and German.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

// What has focus inside the banner's shadow root, and the dialog's accessible name.
const focused = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-analytics-banner]')?.shadowRoot
    const el = root && root.activeElement
    return el ? el.getAttribute('data-action') || el.getAttribute('name') || el.getAttribute('role') || el.tagName : null
  })
const dialogFacts = (page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-analytics-banner]').shadowRoot
    const d = root.querySelector('[role=dialog]')
    return {
      modal: d.getAttribute('aria-modal'),
      name: root.getElementById(d.getAttribute('aria-labelledby')).textContent,
      description: root.getElementById(d.getAttribute('aria-describedby')).textContent.slice(0, 20),
      lang: d.getAttribute('lang'),
      buttons: [...root.querySelectorAll('button')].map((b) => b.textContent),
      buttonStyles: [...new Set([...root.querySelectorAll('button')].map((b) => getComputedStyle(b).cssText || [getComputedStyle(b).fontWeight, getComputedStyle(b).backgroundColor, getComputedStyle(b).borderColor, getComputedStyle(b).color].join()))].length,
    }
  })

test('English banner: a labelled modal dialog; Tab cycles inside, Escape closes without a decision, accept grants', async () => {
  const v = await h.visitor()
  await v.open('banner-en', { consent: 'banner', lang: 'en-GB', attrs: ' data-privacy-url="/privacy"', body: '<button id="page-button">page</button>' })
  await v.page.waitForSelector('[role=dialog]')
  assert.deepEqual(await dialogFacts(v.page), {
    modal: 'true',
    name: 'Your privacy',
    description: 'We would like to mea',
    lang: 'en',
    buttons: ['Reject all', 'Save choice', 'Accept all'],
    buttonStyles: 1,
  })
  assert.equal(await focused(v.page), 'dialog', 'focus moves into the dialog')
  const order = []
  for (let i = 0; i < 7; i++) {
    await v.page.keyboard.press('Tab')
    order.push(await focused(v.page))
  }
  assert.deepEqual(order, ['A', 'analytics', 'marketing', 'reject', 'save', 'accept', 'A'], 'Tab cycles inside the dialog')
  await v.page.keyboard.press('Shift+Tab')
  assert.equal(await focused(v.page), 'accept', 'Shift+Tab from the first goes to the last')

  await v.page.keyboard.press('Escape')
  assert.equal(await v.page.$('[data-analytics-banner]'), null, 'Escape closes the banner')
  await v.settled() // a decision would have posted its proof at once
  assert.deepEqual(await v.proofs(), [], 'Escape decides nothing')
  assert.deepEqual(await v.storage(), { cookie: '', local: 0, session: 0 })

  await v.page.evaluate(() => analytics('consent-banner'))
  await v.page.waitForSelector('[role=dialog]')
  await v.page.click('button[data-action=accept]')
  assert.equal(await v.page.$('[data-analytics-banner]'), null)
  const proof = await waitFor(async () => (await v.proofs())[0], 'the banner proof')
  const vid = (await v.context.cookies()).find((c) => c.name == '_an_vid').value
  assert.deepEqual(proof, { site: v.site, vid, purposes: { analytics: true, marketing: true }, source: 'banner' })
  const consentEvent = await v.waitForEvent((e) => e.type == 'consent', 'the consent event')
  assert.equal(consentEvent.vid, vid)

  // Decided: the next page shows no banner and knows the visitor.
  await v.open('banner-en-2', { consent: 'banner' })
  const pv = await v.waitForEvent((e) => e.type == 'pageview' && e.url.endsWith('banner-en-2'), 'the next pageview')
  assert.equal(pv.vid, vid)
  assert.ok(await v.noBanner(), 'a decided visitor is not asked again')
  await v.close()
})

test('German banner by keyboard: reject all stores no id, is proven, and is remembered', async () => {
  const v = await h.visitor({ locale: 'de-DE' })
  await v.open('banner-de', { consent: 'banner', lang: 'de' })
  await v.page.waitForSelector('[role=dialog]')
  const facts = await dialogFacts(v.page)
  assert.equal(facts.name, 'Ihre Privatsphäre')
  assert.equal(facts.lang, 'de')
  assert.deepEqual(facts.buttons, ['Alle ablehnen', 'Auswahl speichern', 'Alle akzeptieren'])
  await v.page.keyboard.press('Tab') // analytics
  await v.page.keyboard.press('Tab') // marketing
  await v.page.keyboard.press('Tab') // reject
  assert.equal(await focused(v.page), 'reject')
  await v.page.keyboard.press('Enter')
  assert.equal(await v.page.$('[data-analytics-banner]'), null)
  const proof = await waitFor(async () => (await v.proofs())[0], 'the rejection proof')
  assert.deepEqual(proof, { site: v.site, purposes: { analytics: false, marketing: false }, source: 'banner' })
  const state = await v.storage()
  assert.equal(state.cookie, '_an_consent=00', 'only the decision is remembered, no identifier')
  assert.equal(state.local + state.session, 0)
  for (const r of await v.requests()) assert.doesNotMatch(r.raw, /"vid"|"sid"/)
  await v.open('banner-de-2', { consent: 'banner', lang: 'de' })
  assert.ok(await v.noBanner(), 'a rejection is not asked again on every page')
  await v.close()
})

test('per purpose: analytics only, saved with the keyboard; reopening shows the choice', async () => {
  const v = await h.visitor()
  await v.open('banner-purpose', { consent: 'banner' })
  await v.page.waitForSelector('[role=dialog]')
  await v.page.keyboard.press('Tab')
  await v.page.keyboard.press('Space')
  await v.page.keyboard.press('Tab')
  await v.page.keyboard.press('Tab')
  await v.page.keyboard.press('Tab')
  assert.equal(await focused(v.page), 'save')
  await v.page.keyboard.press('Enter')
  const proof = await waitFor(async () => (await v.proofs())[0], 'the proof')
  assert.deepEqual(proof.purposes, { analytics: true, marketing: false })
  assert.ok(proof.vid)
  await v.page.evaluate(() => analytics('consent-banner'))
  await v.page.waitForSelector('[role=dialog]')
  const checked = await v.page.evaluate(() =>
    [...document.querySelector('[data-analytics-banner]').shadowRoot.querySelectorAll('input')].map((i) => i.checked),
  )
  assert.deepEqual(checked, [true, false])
  await v.page.click('button[data-action=reject]')
  await waitFor(async () => (await v.proofs()).length == 2, 'the withdrawal proof')
  assert.doesNotMatch((await v.storage()).cookie, /_an_vid|_an_sid/)
  await v.close()
})
