// A minimal fake browser for the tracker's unit tests: just the DOM, BOM and timers the tracker
// touches, written here so the tests need no jsdom.
import { webcrypto } from 'node:crypto'

export class FakeElement {
  constructor(tagName, attrs = {}, props = {}) {
    this.tagName = tagName.toUpperCase()
    this.attrs = new Map(Object.entries(attrs))
    this.parent = null
    this.children = []
    Object.assign(this, props)
    if (this.tagName == 'INPUT' && !('type' in props)) this.type = (attrs.type || 'text').toLowerCase()
    if (this.tagName == 'TEXTAREA' && !('type' in props)) this.type = 'textarea'
    if (this.tagName == 'SELECT' && !('type' in props)) this.type = 'select-one'
    if (this.tagName == 'BUTTON' && !('type' in props)) this.type = attrs.type || 'submit'
  }
  getAttribute(name) {
    return this.attrs.has(name) ? this.attrs.get(name) : null
  }
  hasAttribute(name) {
    return this.attrs.has(name)
  }
  setAttribute(name, value) {
    this.attrs.set(name, String(value))
  }
  get id() {
    return this.getAttribute('id') || ''
  }
  // data-policy-version as dataset.policyVersion, as browsers name them.
  get dataset() {
    const data = {}
    for (const [name, value] of this.attrs)
      if (name.startsWith('data-')) data[name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value
    return data
  }
  get attributes() {
    return [...this.attrs].map(([name, value]) => ({ name, value }))
  }
  append(...children) {
    for (const c of children) {
      if (typeof c == 'object') c.parent = this
      this.children.push(c)
    }
  }
  // Selectors of the forms "tag", "[attr]" and "tag[attr]".
  matches(selector) {
    const m = /^([a-z]*)(?:\[([\w-]+)\])?$/i.exec(selector)
    if (!m) throw new Error('unsupported selector ' + selector)
    return (!m[1] || m[1].toUpperCase() == this.tagName) && (!m[2] || this.hasAttribute(m[2]))
  }
  closest(selector) {
    for (let el = this; el; el = el.parent) if (el.matches && el.matches(selector)) return el
    return null
  }
}

// An <a> whose href is resolved like a browser's (protocol, host, pathname, origin).
export const anchor = (href, attrs = {}, base = 'https://shop.example/p/1') => {
  const a = new FakeElement('a', { href, ...attrs })
  const u = new URL(href, base)
  Object.assign(a, { href: u.href, protocol: u.protocol, host: u.host, pathname: u.pathname, origin: u.origin })
  return a
}

// Events dispatched to listeners, capture flag ignored (there is no tree walk).
class Target {
  constructor() {
    this.listeners = {}
  }
  addEventListener(type, f) {
    ;(this.listeners[type] ||= []).push(f)
  }
  dispatch(type, event = {}) {
    for (const f of this.listeners[type] || []) f({ type, ...event })
  }
}

// document.cookie with Max-Age and attributes kept for inspection.
class CookieJar {
  constructor() {
    this.cookies = new Map()
  }
  get header() {
    return [...this.cookies].map(([k, c]) => k + '=' + c.value).join('; ')
  }
  set(line) {
    const [pair, ...attrs] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const attributes = Object.fromEntries(attrs.map((a) => a.trim().split('=')).map(([k, v]) => [k.toLowerCase(), v ?? true]))
    if (attributes['max-age'] != null && +attributes['max-age'] <= 0) this.cookies.delete(name)
    else this.cookies.set(name, { value: pair.slice(eq + 1), attributes })
  }
}

// Timers run only when the test says so.
export class FakeClock {
  constructor() {
    this.now = 0
    this.timers = new Map()
    this.next = 1
  }
  setTimeout = (f, ms = 0) => {
    const id = this.next++
    this.timers.set(id, { at: this.now + ms, f })
    return id
  }
  clearTimeout = (id) => this.timers.delete(id)
  async tick(ms) {
    const end = this.now + ms
    for (;;) {
      await settle()
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.timers.delete(due[0])
      this.now = due[1].at
      due[1].f()
    }
    this.now = end
    await settle()
  }
}

export const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

// A window with one tracker script tag; options: url, attrs (data-*), gpc, dnt, beacon, respond.
export const fakeWindow = ({
  url = 'https://shop.example/p/1',
  attrs = {},
  src = 'https://analytics.example/t.js',
  gpc,
  dnt,
  beacon = true,
  respond = () => ({ status: 202 }),
  queue,
  lang = 'en',
} = {}) => {
  const clock = new FakeClock()
  const jar = new CookieJar()
  const fetches = []
  const beacons = []
  const doc = new Target()
  const script = new FakeElement('script', { 'data-site': 'SITE', ...attrs }, { src })
  const head = new FakeElement('head')
  Object.assign(doc, {
    currentScript: script,
    referrer: 'https://www.google.com/',
    title: 'Shoe',
    hidden: false,
    documentElement: { lang },
    head,
    body: new FakeElement('body'),
    createElement: (tag) => new FakeElement(tag),
  })
  Object.defineProperty(doc, 'cookie', { get: () => jar.header, set: (v) => jar.set(v) })
  const location = {}
  const setUrl = (href) => {
    const u = new URL(href, location.href || url)
    Object.assign(location, { href: u.href, host: u.host, protocol: u.protocol, pathname: u.pathname })
  }
  setUrl(url)
  const w = new Target()
  Object.assign(w, {
    document: doc,
    location,
    history: {
      pushState: (s, t, u) => setUrl(u),
      replaceState: (s, t, u) => setUrl(u),
    },
    navigator: {
      language: 'de-DE',
      globalPrivacyControl: gpc,
      doNotTrack: dnt ? '1' : null,
      sendBeacon: beacon
        ? (u, body) => {
            beacons.push({ url: String(u), body: JSON.parse(body) })
            return true
          }
        : undefined,
    },
    screen: { width: 1920, height: 1080 },
    crypto: webcrypto,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    fetch: async (u, init) => {
      const request = { url: String(u), init, body: JSON.parse(init.body) }
      fetches.push(request)
      const r = respond(request, fetches.length)
      if (r instanceof Error) throw r
      return { status: r.status, headers: { get: (h) => (h.toLowerCase() == 'retry-after' ? (r.retryAfter ?? null) : null) } }
    },
  })
  if (queue) w.analytics = Object.assign(() => {}, { q: queue })
  // Everything that was sent, fetch or beacon, flattened to events.
  const sent = () => [...fetches, ...beacons].filter((r) => r.url.endsWith('/api/collect')).flatMap((r) => r.body.events)
  const proofs = () => [...fetches, ...beacons].filter((r) => r.url.endsWith('/api/consent')).map((r) => r.body)
  return { w, doc, script, clock, jar, fetches, beacons, sent, proofs, setUrl }
}
