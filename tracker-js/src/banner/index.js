// The consent banner (t-banner.js), loaded by t.js when first needed.
// A modal dialog in a shadow root: the page's styles cannot break it, and it cannot break the page.
import { STRINGS, language } from './strings.js'
import { STYLE } from './style.js'

let open = null

const element = (doc, tag, attrs, ...children) => {
  const el = doc.createElement(tag)
  for (const k in attrs) el.setAttribute(k, attrs[k])
  el.append(...children)
  return el
}

// options: {consent: {analytics, marketing}, privacyUrl?, decide(purposes)}
export const showBanner = (doc, options) => {
  if (open) return open
  const lang = language(doc.documentElement.lang)
  const t = STRINGS[lang]
  const returnFocus = doc.activeElement
  const host = element(doc, 'div', { 'data-analytics-banner': '' })
  const root = host.attachShadow({ mode: 'open' })
  const h = (tag, attrs, ...children) => element(doc, tag, attrs, ...children)

  const box = (name) => h('input', { type: 'checkbox', name, id: 'p-' + name })
  const analytics = box('analytics')
  const marketing = box('marketing')
  analytics.checked = !!options.consent.analytics
  marketing.checked = !!options.consent.marketing
  const purpose = (input, name) =>
    h('div', { class: 'purpose' }, input, h('label', { for: input.id }, h('strong', {}, t[name]), h('span', {}, t[name + 'Text'])))
  const button = (action) => h('button', { type: 'button', 'data-action': action }, t[action])

  const text = h('p', { id: 'analytics-banner-text' }, t.text)
  if (options.privacyUrl) text.append(' ', h('a', { href: options.privacyUrl }, t.policy))
  const dialog = h(
    'div',
    {
      class: 'dialog',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'analytics-banner-title',
      'aria-describedby': 'analytics-banner-text',
      lang,
      tabindex: '-1',
    },
    h('h2', { id: 'analytics-banner-title' }, t.title),
    text,
    h('fieldset', {}, h('legend', {}, t.purposes), purpose(analytics, 'analytics'), purpose(marketing, 'marketing')),
    h('div', { class: 'actions' }, button('reject'), button('save'), button('accept')),
  )
  root.append(h('style', {}, STYLE), h('div', { class: 'backdrop' }), dialog)

  const close = () => {
    host.remove()
    open = null
    if (returnFocus && returnFocus.focus) returnFocus.focus()
  }
  const choose = (a, m) => {
    close()
    options.decide({ analytics: a, marketing: m })
  }
  dialog.addEventListener('click', (e) => {
    const action = e.target.closest && e.target.closest('button') && e.target.closest('button').getAttribute('data-action')
    if (action == 'accept') choose(true, true)
    if (action == 'reject') choose(false, false)
    if (action == 'save') choose(analytics.checked, marketing.checked)
  })
  // Keyboard: Escape closes without a decision; Tab and Shift+Tab stay inside the dialog.
  dialog.addEventListener('keydown', (e) => {
    if (e.key == 'Escape') {
      e.preventDefault()
      close()
    } else if (e.key == 'Tab') {
      const items = [...dialog.querySelectorAll('a[href], input, button')]
      const first = items[0]
      const last = items[items.length - 1]
      const active = root.activeElement
      if (e.shiftKey && (active == first || active == dialog)) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && active == last) {
        e.preventDefault()
        first.focus()
      }
    }
  })
  doc.body.append(host)
  dialog.focus()
  open = { host, dialog, close }
  return open
}

try {
  const api = window.analytics
  if (api) api.banner = (options) => showBanner(document, options)
} catch (e) {}
