// The event of DESIGN.md's /api/collect contract.
import { cleanUrl } from './urls.js'

// fields: type, name?, props?, order_id?, …; ids: {vid, sid}, only with analytics consent.
// Undefined fields vanish in JSON.
export const buildEvent = (w, fields, consent, ids) => ({
    ts: Date.now(),
    url: cleanUrl(w.location.href),
    referrer: cleanUrl(w.document.referrer),
    title: w.document.title,
    screen: w.screen.width + 'x' + w.screen.height,
    lang: w.navigator.language,
    ...fields,
    consent, // after the fields: a command cannot pass consent or ids of its own
    ...ids,
})

// The event fields of a public command; falsy for an unknown or empty one.
export const commandFields = (cmd, a, b) =>
  cmd == 'track'
    ? { type: 'custom', name: a, props: b }
    : /^(pageview|product_view|add_to_cart)$/.test(cmd)
      ? { type: cmd, props: a }
      : cmd == 'identify'
        ? a && { type: cmd, customer_id: '' + a, signature: b?.signature } // signed by the shop's backend where the site asks
        : cmd == 'purchase'
          ? a && purchase(a)
          : cmd == 'rate'
            ? { ...a, type: 'rating' } // {subject, stars}: the service checks the fields
            : cmd == 'survey' && { ...a, type: 'survey_answer' } // {survey, question, score | choice, text?}

const purchase = ({ order_id, revenue, currency, ...props }) => ({ type: 'purchase', order_id, revenue, currency, props })
