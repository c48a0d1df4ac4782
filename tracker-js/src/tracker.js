// The tracker: reads the script tag, keeps consent and ids, catches automatic events,
// runs the command queue and sends batches to /api/collect.
import { DECISION, SESSION, SESSION_SECONDS, VISITOR, VISITOR_SECONDS, getCookie, randomId, setCookie } from './cookies.js'
import { decode, encode, initialConsent, privacySignal } from './consent.js'
import { createFormTracker } from './forms.js'
import { linkType, linkUrl, markedEvent } from './links.js'
import { buildEvent, commandFields } from './payload.js'
import { cleanUrl } from './urls.js'
import { createBatch, createSender } from './transport.js'

// Every entry point from the page goes through here: the host page never sees our exceptions.
const safe =
  (f) =>
  (...args) => {
    try {
      return f(...args)
    } catch (e) {}
  }

export const start = (w) => {
  const doc = w.document
  const previous = w.analytics
  if (previous?.loaded_) return // t.js included twice: the first one serves
  const script = doc.currentScript
  // data-site, data-consent, data-policy-version, data-privacy-url of the script tag.
  const { site, consent: mode, policyVersion, privacyUrl } = script.dataset
  const secure = w.location.protocol == 'https:'
  const signal = privacySignal(w.navigator)
  const stored = getCookie(doc, DECISION)
  let consent = initialConsent(mode, stored, signal)
  let decided = stored
  let vid
  let lastPage

  const cookie = (name, value, seconds) => setCookie(doc, secure, name, value, seconds)
  // The visitor cookie is set once and never extended; the session cookie slides with each event.
  const ids = () => {
    if (consent[0] > 0)
      return {
        vid: (vid = getCookie(doc, VISITOR) || cookie(VISITOR, randomId(w.crypto), VISITOR_SECONDS)),
        sid: cookie(SESSION, getCookie(doc, SESSION) || randomId(w.crypto), SESSION_SECONDS),
      }
    cookie(VISITOR, '', 0)
    cookie(SESSION, '', 0)
  }

  const transmit = createSender(w)
  const post = (path, body, hidden) => transmit(new URL(path, script.src), JSON.stringify(body), hidden)
  const batch = createBatch(w, (events, hidden) => post('/api/collect', { site, events }, hidden), 1000, 10) // at most 1 s or 10 events
  const send = (fields, e = buildEvent(w, fields, decode(consent), ids())) => {
    JSON.stringify(e) // cyclic props of a careless caller fail here, not in the batch
    if (e.type == 'pageview') lastPage = e.url
    batch.push(e)
  }

  // A grant or withdrawal: remembered in the decision cookie, sent as an event and as proof.
  const decide = (wanted, source, code = encode(wanted)) => {
    if (signal || (source == 'api' && decided && code == consent)) return
    consent = code
    decided = cookie(DECISION, code, VISITOR_SECONDS)
    send({ type: 'consent' }) // with analytics withdrawn, this drops the id cookies
    post('/api/consent', {
      site,
      vid, // the id that consented, or is withdrawing
      purposes: decode(code),
      policy_version: policyVersion,
      source,
    })
  }

  // The banner lives in t-banner.js, loaded when first needed; it sets analytics.banner.
  const banner = (show = () => api.banner({ consent: decode(consent), privacyUrl, decide: safe((p) => decide(p, 'banner')) })) =>
    signal || (api.banner ? show() : doc.head.append(Object.assign(doc.createElement('script'), { src: new URL('t-banner.js', script.src), onload: safe(show) })))

  const api = safe((cmd, a, b, fields = commandFields(cmd, a, b)) => {
    if (cmd == 'consent') decide(a, 'api')
    if (cmd == 'consent-banner') banner()
    if (fields && (cmd != 'identify' || consent[0] > 0)) send(fields)
  })
  api.loaded_ = 1
  w.analytics = api
  previous?.q?.map((args) => api(...args))

  const on = (target, type, f) => target.addEventListener(type, safe(f), true)
  const forms = createFormTracker((type, props) => send({ type, props }), Date.now)

  // Single-page apps: a route change is a pageview when the URL as sent changed (a new fragment alone does not).
  const route = () => w.setTimeout(() => cleanUrl(w.location.href) != lastPage && send({ type: 'pageview' }))
  for (const m of ['pushState', 'replaceState']) {
    const original = w.history[m]
    w.history[m] = function () {
      route()
      return original.apply(this, arguments)
    }
  }
  on(w, 'popstate', route)
  on(w, 'hashchange', route)

  // Left and middle clicks on marked elements, outbound links and downloads.
  const click = (e, t = e.target, marked = t.closest('[data-analytics-event]'), a = t.closest('a[href]')) => {
    const type = a && linkType(a, w.location.host)
    if (e.button < 2) {
      if (marked) send(markedEvent(marked))
      if (type) send({ type, props: { url: linkUrl(a) } })
    }
  }
  on(doc, 'click', click)
  on(doc, 'auxclick', click)
  for (const type of ['focusin', 'focusout', 'submit']) on(doc, type, (e) => forms[type](e.target))

  // Leaving or hiding the page: the batch goes out as a beacon.
  on(doc, 'visibilitychange', () => doc.hidden && batch.now(1))
  on(w, 'pagehide', () => {
    forms.leave()
    batch.now(1)
  })

  send({ type: 'pageview' })
  if (mode == 'banner' && !stored) banner()
}
