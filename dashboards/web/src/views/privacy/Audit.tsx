// The audit log (/privacy/audit): the site's privacy audit entries, newest first, in pages, over the shell's date
// range (the API's from/to; without one its default, the last 30 days), as GET /api/privacy/audit answers them.
import { api } from '../../api'
import { formatDate, formatNumber, lang, t } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { Answer } from '../Answer'
import type { ViewProps } from '../registry'
import { intParam, ownParams, useLoad, viewUrl } from './load'
import type { AuditPage } from './types'

export const AUDIT_PATH = '/privacy/audit'
export const PAGE_SIZES = [25, 100, 500] as const

/** The audit query of a view: site, the shell's range, the page and its size from the URL. */
export function auditQuery(site: string, from: string | undefined, to: string | undefined, search: string) {
  const own = ownParams(search, ['page', 'page_size'] as const)
  const page = intParam(own.page, 1, 1, 1_000_000)
  const size = intParam(own.page_size, 100, 1, 1000)
  const q = new URLSearchParams({ site })
  if (from) q.set('from', from)
  if (to) q.set('to', to)
  q.set('page', String(page))
  q.set('page_size', String(size))
  return { page, size, query: q.toString() }
}

/** The number of pages of `total` entries. */
export const pageCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size))

export function Audit({ site, state }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const { page, size, query } = auditQuery(site.key, state.from, state.to, loc.search)
  const log = useLoad((signal) => api.get<AuditPage>('/api/privacy/audit?' + query, signal), query)
  const go = (p: number, s = size) => navigate(viewUrl(AUDIT_PATH, state, { page: p > 1 ? String(p) : undefined, page_size: s !== 100 ? String(s) : undefined }))
  const when = (iso: string) => formatDate(iso, site.time_zone, { dateStyle: 'short', timeStyle: 'medium' })

  return (
    <div class="privacy">
      <h1>
        {t('pv_audit')} <small>{site.name}</small>
      </h1>
      <Answer loaded={log}>
        {(data) => (
          <section class="card" aria-labelledby="audit-title">
            <div class="section-head">
              <h2 id="audit-title" data-from={data.from} data-to={data.to}>
                {formatDate(data.from, site.time_zone, { dateStyle: 'medium', timeStyle: 'short' })} –{' '}
                {formatDate(data.to, site.time_zone, { dateStyle: 'medium', timeStyle: 'short' })}:{' '}
                <span data-total={data.total}>{formatNumber(data.total)}</span> {t('pv_entries')}
              </h2>
              <label>
                <span>{t('pv_pageSize')}</span>
                <select aria-label={t('pv_pageSize')} value={String(size)} onChange={(e) => go(1, Number((e.target as HTMLSelectElement).value))}>
                  {(PAGE_SIZES.includes(size as never) ? PAGE_SIZES : [...PAGE_SIZES, size]).map((s) => (
                    <option key={s} value={String(s)}>{s}</option>
                  ))}
                </select>
              </label>
            </div>
            {data.entries.length === 0 ? (
              <p class="empty-note">{t('pv_noEntries')}</p>
            ) : (
              <div class="scroll">
                <table class="audit" data-count={data.entries.length}>
                  <thead>
                    <tr>
                      <th scope="col">{t('pv_at')}</th>
                      <th scope="col">{t('pv_who')}</th>
                      <th scope="col">{t('pv_action')}</th>
                      <th scope="col">{t('pv_result')}</th>
                      <th scope="col">{t('pv_request')}</th>
                      <th scope="col">{t('pv_subject')}</th>
                      <th scope="col">{t('pv_detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.entries.map((e) => (
                      <tr key={e.id} data-id={e.id} data-action={e.what.action}>
                        <th scope="row">{when(e.at)}</th>
                        <td>
                          {e.who.user_id} <small>({e.who.role})</small>
                        </td>
                        <td><code>{e.what.action}</code></td>
                        <td>{e.result}</td>
                        <td>{e.what.request_id ? <code>{e.what.request_id.slice(0, 8)}</code> : '–'}</td>
                        <td>{e.what.subject ? <code title={e.what.subject}>{e.what.subject.slice(0, 12)}…</code> : '–'}</td>
                        <td class="detail">{e.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <nav class="pager" aria-label={t('pv_pages')}>
              <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
                ← {t('pv_newer')}
              </button>
              <span data-page={page}>
                {t('pv_page')} {formatNumber(page)} / {formatNumber(pageCount(data.total, size))}
              </span>
              <button type="button" disabled={page >= pageCount(data.total, size)} onClick={() => go(page + 1)}>
                {t('pv_older')} →
              </button>
            </nav>
          </section>
        )}
      </Answer>
    </div>
  )
}
