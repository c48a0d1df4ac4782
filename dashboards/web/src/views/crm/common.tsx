// What the customer and CRM views share: loading an answer (with abort, retry and the problem), the pager, the
// figures (a number with its raw value in data-value for the e2e), and a lazily drawn chart with its table.
import type { ComponentChildren } from 'preact'
import { LazyChart } from '../LazyChart'
import { useLoaded, type Loaded } from '../../load'
import { api } from '../../api'
import { formatNumber, locale, t } from '../../i18n'
import type { ChartSpec } from '../../charts/crm'
import { pageCount } from './logic'

export type { Loaded }

/** GET url (null: nothing to load yet); the answer, the error, and a reload. A new url drops the old answer. */
export const useAnswer = <T,>(url: string | null): Loaded<T> => useLoaded<T>(url, (signal) => api.get<T>(url as string, signal))

export { Answer } from '../Answer'

export const formatMoney = (n: number) => new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
export const formatDecimal = (n: number, digits = 2) => new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n)

/** A figure the e2e compares: its raw value in data-value, shown formatted. */
export function Fig({ name, value, money }: { name?: string; value: number | null | undefined; money?: boolean }) {
  if (value === null || value === undefined) return <span data-value="">–</span>
  return (
    <span data-fig={name} data-value={String(value)}>
      {money ? formatMoney(value) : formatNumber(value)}
    </span>
  )
}

/** Previous / next and "page x of y", for a paged list. */
export function Pager({ page, total, size, label, onPage }: { page: number; total: number; size: number; label: string; onPage: (p: number) => void }) {
  const pages = pageCount(total, size)
  if (pages <= 1 && page === 1) return null
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('crm_prev')}
      </button>
      <span aria-live="polite">{t('crm_pageOf').replace('{page}', String(page)).replace('{pages}', String(pages))}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('crm_next')}
      </button>
    </nav>
  )
}

/** A chart drawn by charts/crm.ts (loaded on demand) with the same numbers as a table under it. */
export function Chart({ title, spec, table }: { title: string; spec: ChartSpec; table: ComponentChildren }) {
  return (
    <LazyChart load={() => import('../../charts/crm').then((m) => m.draw)} spec={spec} label={title}>
      {table}
    </LazyChart>
  )
}
