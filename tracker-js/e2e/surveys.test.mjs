// Survey answers and ratings in Chromium: queued before t.js loaded and sent after, what the tracker sends and
// (real mode) what the service stores: the answers as events, the free text apart, shown in the customer's view only.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startHarness, waitFor } from './harness.mjs'

let h
before(async () => (h = await startHarness()))
after(() => h.close())

const TEXT = 'The parcel came a day late'

test('survey and rate: queued and direct commands arrive, the free text stays out of the events', async () => {
  // A desktop browser's agent: the customer view reads the answers from the visitor's (non-bot) sessions.
  const v = await h.visitor({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' })
  await v.open('survey', {
    consent: 'granted',
    queue: `analytics('survey', { survey: 'nps', question: 'recommend', score: 9 });`,
  })
  await v.page.evaluate((text) => {
    analytics('identify', 'SURVEY-CUST')
    analytics('rate', { subject: 'sku-42', stars: 4 })
    analytics('survey', { survey: 'nps', question: 'why', choice: 'delivery', text })
  }, TEXT)
  await v.waitForEvent((e) => e.type == 'survey_answer' && e.choice, 'the choice answer')
  const sent = (await v.events()).filter((e) => e.type == 'survey_answer' || e.type == 'rating')
  assert.deepEqual(
    sent.map(({ type, survey, question, score, choice, text, subject, stars }) => JSON.parse(JSON.stringify({ type, survey, question, score, choice, text, subject, stars }))),
    [
      { type: 'survey_answer', survey: 'nps', question: 'recommend', score: 9 },
      { type: 'rating', subject: 'sku-42', stars: 4 },
      { type: 'survey_answer', survey: 'nps', question: 'why', choice: 'delivery', text: TEXT },
    ],
  )
  assert.ok(sent.every((e) => e.vid && e.consent.analytics))
  assert.deepEqual(v.errors, [])
  if (h.real) {
    const rows = await v.stored((rows) => rows.filter((r) => r.type == 'survey_answer' || r.type == 'rating').length == 3, 'the three stored answers')
    const props = (r) => Object.fromEntries(r.props_keys.map((k, i) => [k, r.props_values[i]]))
    const answers = rows.filter((r) => r.type == 'survey_answer' || r.type == 'rating')
    const sorted = (list) => list.map((x) => JSON.stringify(x)).sort()
    assert.deepEqual(sorted(answers.map(props)), sorted([
      { survey: 'nps', question: 'recommend', score: '9' },
      { subject: 'sku-42', stars: '4' },
      { survey: 'nps', question: 'why', choice: 'delivery' },
    ]))
    assert.ok(!JSON.stringify(rows).includes(TEXT), 'the free text is in no event row')
    assert.ok(answers.every((r) => Number(r.is_bot) == 0))
    // The customer's view shows the answers, the text with its answer (stored apart, after the identify's link).
    let last
    const view = await waitFor(async () => {
      const r = await fetch(`${process.env.ANALYTICS_E2E_URL}/api/customers/SURVEY-CUST?site=${v.site}`, {
        headers: { Authorization: 'Bearer ' + process.env.ANALYTICS_E2E_TOKEN },
      })
      const body = (last = await r.text()) && r.ok && JSON.parse(last)
      return body && body.survey_answers.length == 3 && body.survey_answers.some((a) => a.text) && body
    }, 'the customer view with three answers and the text', 15000).catch((e) => assert.fail(e.message + ': ' + last))
    assert.deepEqual(
      sorted(view.survey_answers.map((a) => [a.type, a.question ?? a.subject, a.text ?? null])),
      sorted([
        ['survey_answer', 'why', TEXT],
        ['rating', 'sku-42', null],
        ['survey_answer', 'recommend', null],
      ]),
    )
  }
  await v.close()
})
