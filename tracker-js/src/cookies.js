// First-party cookies of the tracker. The ids are written only with analytics consent;
// the decision cookie holds the visitor's choice and no identifier.

export const VISITOR = '_an_vid'
export const SESSION = '_an_sid'
export const DECISION = '_an_consent'

// 390 days: under 13 months on every calendar, and never extended on later visits.
export const VISITOR_SECONDS = 33696e3
// A session ends after 30 minutes without an event.
export const SESSION_SECONDS = 1800

export const getCookie = (doc, name) => (doc.cookie.match('(^|; )' + name + '=([^;]*)') || 0)[2]

// Answers the value: the tracker sets and keeps an id in one expression.
export const setCookie = (doc, secure, name, value, seconds) => (
  (doc.cookie = name + '=' + value + ';Max-Age=' + seconds + ';Path=/;SameSite=Lax' + (secure ? ';Secure' : '')), value
)

// 128 random bits.
export const randomId = (crypto) => Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('')
