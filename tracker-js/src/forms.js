// Form analytics: start, field focus order and dwell time, submit, abandonment.
// Values are never read; sensitive fields are not even named.

const attr = (el, name) => el.getAttribute(name) || ''

// A control with a form that takes input: not a button.
export const isField = (el) => el.form && !/^(submit|button|reset|image)$/.test(el.type)

// Passwords, hidden fields, payment fields (autocomplete cc-*, names like card/cvc/iban) and other secrets.
export const isSensitive = (el) =>
  /^hidden|cc-|one-time|card|cv[cv]|csc|iban|passw|pwd|secret|ssn/i.test(
    el.type + ' ' + attr(el, 'autocomplete') + ' ' + attr(el, 'name') + ' ' + attr(el, 'id'),
  )

// Attributes, not properties: an input named "id" or "name" shadows form.id / form.name.
export const formName = (form) => attr(form, 'data-analytics-form') || attr(form, 'id') || attr(form, 'name') || 'form'

export const fieldName = (el) => attr(el, 'name') || attr(el, 'id') || el.type

// emit(type, props); now() in ms.
export const createFormTracker = (emit, now) => {
  const started = new Map()
  const event = (type, s, props) => emit('form_' + type, { form: s.form_, ...props })
  const start = (form, s = started.get(form)) =>
    s || (started.set(form, (s = { form_: formName(form), order_: 0 })), event('start', s), s)
  // The focused field of form state s has lost focus.
  const left = (s) => {
    if (s.el_) event('field', s, { field: s.field_, order: s.order_, dwell_ms: now() - s.at_ })
    s.el_ = 0
  }
  return {
    focusin(el, s) {
      if (isField(el)) {
        left((s = start(el.form)))
        if (!isSensitive(el)) {
          s.el_ = el
          s.field_ = fieldName(el)
          s.order_++
          s.at_ = now()
        }
      }
    },
    focusout(el, s = started.get(el.form)) {
      if (s && s.el_ == el) left(s)
    },
    submit(form, s = start(form)) {
      left(s)
      started.delete(form)
      event('submit', s)
    },
    // The page is left: every started, unsubmitted form is abandoned.
    leave() {
      started.forEach((s) => {
        left(s)
        event('abandon', s, { last_field: s.field_, fields: s.order_ })
      })
      started.clear()
    },
  }
}
