// Consent state: what the visitor allowed, per purpose, kept as a two-character code,
// "10" = analytics granted, marketing refused: also the value of the decision cookie.

// Global Privacy Control or Do-Not-Track: the visitor has said no, whatever the page says.
// (window.doNotTrack was IE's and old Safari's: not worth its bytes.)
export const privacySignal = (nav) => !!nav.globalPrivacyControl || nav.doNotTrack == 1

// The code of whatever purposes object a page passes.
export const encode = (p) => '' + +!!p?.analytics + +!!p?.marketing

// The purposes of a code, as DESIGN.md names them.
export const decode = (code) => ({ analytics: code[0] > 0, marketing: code[1] > 0 })

// mode: data-consent of the script tag; stored: the remembered code, if any.
export const initialConsent = (mode, stored, signal) => (signal ? '00' : /^[01]{2}$/.test(stored) ? stored : mode == 'granted' ? '10' : '00')
