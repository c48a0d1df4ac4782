// The banner's words, per page language (document.documentElement.lang).

export const STRINGS = {
  en: {
    title: 'Your privacy',
    text: 'We would like to measure how this site is used, to improve it, and, if you agree, to measure our marketing. Nothing is stored on your device unless you allow it. You can change your choice at any time.',
    purposes: 'Purposes',
    analytics: 'Analytics',
    analyticsText: 'Statistics about visits, pages and purchases, with a visitor cookie.',
    marketing: 'Marketing',
    marketingText: 'Measuring campaigns and personalised offers.',
    reject: 'Reject all',
    save: 'Save choice',
    accept: 'Accept all',
    policy: 'Privacy policy',
  },
  de: {
    title: 'Ihre Privatsphäre',
    text: 'Wir möchten messen, wie diese Website genutzt wird, um sie zu verbessern, und mit Ihrer Zustimmung unser Marketing auswerten. Ohne Ihre Erlaubnis wird nichts auf Ihrem Gerät gespeichert. Sie können Ihre Wahl jederzeit ändern.',
    purposes: 'Zwecke',
    analytics: 'Statistik',
    analyticsText: 'Auswertung von Besuchen, Seiten und Käufen, mit einem Besucher-Cookie.',
    marketing: 'Marketing',
    marketingText: 'Erfolgsmessung von Kampagnen und persönliche Angebote.',
    reject: 'Alle ablehnen',
    save: 'Auswahl speichern',
    accept: 'Alle akzeptieren',
    policy: 'Datenschutzerklärung',
  },
}

// "de-AT" → German; an unknown or missing language → English.
export const language = (lang) => {
  const code = (lang || '').toLowerCase().split('-')[0]
  return STRINGS[code] ? code : 'en'
}
