// Number formats of the behaviour views (the API's numbers, only shown: nothing is computed here).
import { formatNumber, locale, type Lang } from '../../i18n'

/** An amount as stored (the API converts no currency): two decimals, no symbol. */
export const formatAmount = (n: number, l?: Lang) =>
  new Intl.NumberFormat(locale(l), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)

/** Seconds with at most one decimal (the API's medians have one). */
export const formatSeconds = (n: number, l?: Lang) =>
  new Intl.NumberFormat(locale(l), { maximumFractionDigits: 1 }).format(n) + ' s'

/** A channel's name as the reports give it (`organic_search`), readable. */
export const channelLabel = (c: string) => (c === '' ? '(none)' : c.replace(/_/g, ' '))

export { formatNumber }
