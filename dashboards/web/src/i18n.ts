// English and German: the browser's language first, then the user's choice (kept in localStorage).
import { signal } from './signal'
import * as traffic from './i18n/traffic'
import * as behaviour from './i18n/behaviour'
import * as crm from './i18n/crm'
import * as privacy from './i18n/privacy'
import * as admin from './i18n/admin'

// The shell's texts here; each area of views keeps its own in i18n/AREA.ts.
const core = {
  app: 'Analytics',
  signIn: 'Sign in',
  signInTitle: 'Sign in to Analytics',
  login: 'Login',
  password: 'Password',
  passwordAgain: 'Password again',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  invitationTitle: 'Set your password',
  invitationIntro: 'You were invited. Choose a password to finish signing up.',
  invitationMissing: 'This link holds no invitation. Ask an admin for a new one.',
  passwordsDiffer: 'The two passwords differ.',
  setPassword: 'Set password and sign in',
  language: 'Language',
  site: 'Site',
  noSites: 'You are not a member of any site yet. Ask an admin to add you.',
  range: 'Date range',
  from: 'From',
  to: 'To',
  apply: 'Apply',
  preset_today: 'Today',
  preset_7d: 'Last 7 days',
  preset_30d: 'Last 30 days',
  preset_90d: 'Last 90 days',
  preset_month: 'This month',
  preset_last_month: 'Last month',
  preset_custom: 'Custom',
  filters: 'Filters',
  addFilter: 'Add filter',
  dimension: 'Dimension',
  operator: 'Operator',
  value: 'Value',
  op_is: 'is',
  op_is_not: 'is not',
  op_contains: 'contains',
  op_in: 'is one of',
  removeFilter: 'Remove filter',
  clearFilters: 'Clear all',
  overview: 'Overview',
  loading: 'Loading…',
  error: 'Something went wrong',
  retry: 'Try again',
  visitors: 'Visitors',
  sessions: 'Sessions',
  pageviews: 'Pageviews',
  bounce_rate: 'Bounce rate',
  avg_session_seconds: 'Avg. visit duration',
  vsPrevious: 'vs. previous period',
  previousPeriod: 'previous period',
  chartTitle: 'Over time',
  metric: 'Metric',
  chartAsTable: 'Show as table',
  time: 'Time',
  current: 'This period',
  previous: 'Previous period',
  chartLoading: 'Loading chart…',
  top_page: 'Top pages',
  top_session_source: 'Top sources',
  top_country: 'Countries',
  top_device: 'Devices',
  top_browser: 'Browsers',
  noRows: 'No data in this range.',
  filterBy: 'Filter by',
  emptyTitle: 'No data yet',
  emptyIntro: 'This site has no events in the selected range. Put this snippet into the <head> of every page:',
  copy: 'Copy snippet',
  copied: 'Copied',
  emptyVerify: 'Then open one of your pages: its pageview appears here within seconds (reload this page).',
  emptyDemo: 'Or look around the demo shop first:',
  emptyFiltered: 'No events match these filters in this range.',
  skip: 'Skip to content',
  notFound: 'There is no such view.',
  forbidden: 'Your role cannot open this view.',
  nav_marketing: 'Traffic',
  nav_crm: 'Customers',
  nav_privacy: 'Privacy',
  nav_admin: 'Administration',
}

const en = { ...core, ...traffic.en, ...behaviour.en, ...crm.en, ...privacy.en, ...admin.en }
export type Key = keyof typeof en

const coreDe: Record<keyof typeof core, string> = {
  app: 'Analytics',
  signIn: 'Anmelden',
  signInTitle: 'Bei Analytics anmelden',
  login: 'Benutzername',
  password: 'Passwort',
  passwordAgain: 'Passwort wiederholen',
  signingIn: 'Anmeldung läuft…',
  signOut: 'Abmelden',
  invitationTitle: 'Passwort festlegen',
  invitationIntro: 'Sie wurden eingeladen. Wählen Sie ein Passwort, um die Anmeldung abzuschließen.',
  invitationMissing: 'Dieser Link enthält keine Einladung. Bitten Sie einen Admin um eine neue.',
  passwordsDiffer: 'Die beiden Passwörter unterscheiden sich.',
  setPassword: 'Passwort festlegen und anmelden',
  language: 'Sprache',
  site: 'Website',
  noSites: 'Sie sind noch keiner Website zugeordnet. Bitten Sie einen Admin darum.',
  range: 'Zeitraum',
  from: 'Von',
  to: 'Bis',
  apply: 'Anwenden',
  preset_today: 'Heute',
  preset_7d: 'Letzte 7 Tage',
  preset_30d: 'Letzte 30 Tage',
  preset_90d: 'Letzte 90 Tage',
  preset_month: 'Dieser Monat',
  preset_last_month: 'Letzter Monat',
  preset_custom: 'Benutzerdefiniert',
  filters: 'Filter',
  addFilter: 'Filter hinzufügen',
  dimension: 'Dimension',
  operator: 'Operator',
  value: 'Wert',
  op_is: 'ist',
  op_is_not: 'ist nicht',
  op_contains: 'enthält',
  op_in: 'ist einer von',
  removeFilter: 'Filter entfernen',
  clearFilters: 'Alle entfernen',
  overview: 'Übersicht',
  loading: 'Wird geladen…',
  error: 'Etwas ist schiefgegangen',
  retry: 'Erneut versuchen',
  visitors: 'Besucher',
  sessions: 'Sitzungen',
  pageviews: 'Seitenaufrufe',
  bounce_rate: 'Absprungrate',
  avg_session_seconds: 'Ø Besuchsdauer',
  vsPrevious: 'ggü. Vorperiode',
  previousPeriod: 'Vorperiode',
  chartTitle: 'Zeitverlauf',
  metric: 'Kennzahl',
  chartAsTable: 'Als Tabelle anzeigen',
  time: 'Zeit',
  current: 'Dieser Zeitraum',
  previous: 'Vorperiode',
  chartLoading: 'Diagramm wird geladen…',
  top_page: 'Top-Seiten',
  top_session_source: 'Top-Quellen',
  top_country: 'Länder',
  top_device: 'Geräte',
  top_browser: 'Browser',
  noRows: 'Keine Daten in diesem Zeitraum.',
  filterBy: 'Filtern nach',
  emptyTitle: 'Noch keine Daten',
  emptyIntro: 'Diese Website hat im gewählten Zeitraum keine Ereignisse. Fügen Sie dieses Snippet in den <head> jeder Seite ein:',
  copy: 'Snippet kopieren',
  copied: 'Kopiert',
  emptyVerify: 'Öffnen Sie dann eine Ihrer Seiten: der Seitenaufruf erscheint hier nach wenigen Sekunden (Seite neu laden).',
  emptyDemo: 'Oder sehen Sie sich zuerst den Demo-Shop an:',
  emptyFiltered: 'Keine Ereignisse passen in diesem Zeitraum zu diesen Filtern.',
  skip: 'Zum Inhalt springen',
  notFound: 'Diese Ansicht gibt es nicht.',
  forbidden: 'Ihre Rolle kann diese Ansicht nicht öffnen.',
  nav_marketing: 'Traffic',
  nav_crm: 'Kunden',
  nav_privacy: 'Datenschutz',
  nav_admin: 'Verwaltung',
}
const de: Record<Key, string> = { ...coreDe, ...traffic.de, ...behaviour.de, ...crm.de, ...privacy.de, ...admin.de }

export type Lang = 'en' | 'de'
export const LANGS: Lang[] = ['en', 'de']
const dictionaries: Record<Lang, Record<Key, string>> = { en, de }

/** The language to start with: a stored choice, else the browser's first language we have. */
export function initialLang(stored: string | null, browser: readonly string[]): Lang {
  if (stored === 'en' || stored === 'de') return stored
  for (const l of browser) {
    const base = l.toLowerCase().split('-')[0]
    if (base === 'de' || base === 'en') return base
  }
  return 'en'
}

const storage = typeof localStorage === 'undefined' ? null : localStorage
export const lang = signal<Lang>(
  initialLang(storage?.getItem('lang') ?? null, typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]),
)

export function setLang(l: Lang) {
  storage?.setItem('lang', l)
  lang.set(l)
}

export const t = (key: Key, l: Lang = lang.get()) => dictionaries[l][key] ?? en[key]

export const locale = (l: Lang = lang.get()) => (l === 'de' ? 'de-DE' : 'en-US')

export const formatNumber = (n: number, l?: Lang) => new Intl.NumberFormat(locale(l)).format(n)
export const formatPercent = (share: number, l?: Lang) =>
  new Intl.NumberFormat(locale(l), { style: 'percent', maximumFractionDigits: 1 }).format(share)
/** A date (or with options a date-time) in the site's zone and the app's language. */
export function formatDate(iso: string, zone: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }, l?: Lang) {
  try {
    return new Intl.DateTimeFormat(locale(l), { ...options, timeZone: zone }).format(new Date(iso))
  } catch {
    return new Intl.DateTimeFormat(locale(l), options).format(new Date(iso)) // a zone this browser does not know
  }
}
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  const m = Math.floor(s / 60)
  const h = Math.floor(m / 60)
  return h > 0 ? `${h}h ${m % 60}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`
}
