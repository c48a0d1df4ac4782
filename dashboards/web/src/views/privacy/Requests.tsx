// Data-subject requests (/privacy/requests): the site's requests with status and due date, a form to file a new one,
// and each request's page (/privacy/requests/ID) with its export download or its erasure evidence per table.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import { Answer } from '../Answer'
import type { ViewProps } from '../registry'
import { ownParams, subPath, useLoad, viewUrl } from './load'
import { REQUEST_STATUSES, REQUEST_TYPES, SUBJECT_KEYS, type CreatedRequest, type PrivacyRequest, type RequestStatus } from './types'

export const REQUESTS_PATH = '/privacy/requests'
/** How often an open request's page asks again for its status. */
export const POLL_MS = 2000

const when = (iso: string, zone: string) => formatDate(iso, zone, { dateStyle: 'medium', timeStyle: 'short' })
const isOpen = (s: RequestStatus) => s === 'queued' || s === 'running'

export function StatusBadge({ status, overdue }: { status: RequestStatus; overdue?: boolean }) {
  return (
    <span class={`badge status-${status}`} data-status={status}>
      {t(`pv_status_${status}` as Key)}
      {overdue && <strong class="overdue"> · {t('pv_overdue')}</strong>}
    </span>
  )
}

export function Requests(props: ViewProps) {
  useSignal(lang)
  const id = subPath(props.path, REQUESTS_PATH)
  return id ? <RequestDetail {...props} id={id} /> : <RequestList {...props} />
}

function RequestList({ site, state }: ViewProps) {
  const loc = useSignal(route)
  const { status } = ownParams(loc.search, ['status'] as const)
  const query = new URLSearchParams({ site: site.key, ...(status ? { status } : {}) }).toString()
  const list = useLoad((signal) => api.get<PrivacyRequest[]>('/api/privacy/requests?' + query, signal), query)

  return (
    <div class="privacy">
      <h1>
        {t('pv_requests')} <small>{site.name}</small>
      </h1>
      <NewRequest siteKey={site.key} onCreated={(created) => navigate(viewUrl(`${REQUESTS_PATH}/${encodeURIComponent(created.id)}`, state))} />
      <section class="card" aria-labelledby="requests-title">
        <div class="section-head">
          <h2 id="requests-title">{t('pv_requestList')}</h2>
          <label>
            <span>{t('pv_status')}</span>
            <select aria-label={t('pv_status')} value={status ?? ''} onChange={(e) => navigate(viewUrl(REQUESTS_PATH, state, { status: (e.target as HTMLSelectElement).value }))}>
              <option value="">{t('pv_anyStatus')}</option>
              {REQUEST_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`pv_status_${s}` as Key)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <Answer loaded={list} empty={(d) => d.length === 0} emptyText={t('pv_noRequests')}>
          {(data) => (
            <div class="scroll">
              <table class="requests" data-count={data.length}>
                <thead>
                  <tr>
                    <th scope="col">{t('pv_request')}</th>
                    <th scope="col">{t('pv_type')}</th>
                    <th scope="col">{t('pv_status')}</th>
                    <th scope="col">{t('pv_subjectKey')}</th>
                    <th scope="col">{t('pv_reference')}</th>
                    <th scope="col">{t('pv_received')}</th>
                    <th scope="col">{t('pv_due')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((r) => (
                    <tr key={r.id} data-id={r.id}>
                      <th scope="row">
                        <a href={viewUrl(`${REQUESTS_PATH}/${encodeURIComponent(r.id)}`, state)}
                          onClick={(e) => {
                            e.preventDefault()
                            navigate(viewUrl(`${REQUESTS_PATH}/${encodeURIComponent(r.id)}`, state))
                          }}>
                          <code>{r.id.slice(0, 8)}</code>
                          <span class="visually-hidden"> {t(`pv_type_${r.type}` as Key)}</span>
                        </a>
                      </th>
                      <td>{t(`pv_type_${r.type}` as Key)}</td>
                      <td>
                        <StatusBadge status={r.status} overdue={r.overdue} />
                      </td>
                      <td>{r.subject_key}</td>
                      <td>{r.reference}</td>
                      <td>{when(r.received_at, site.time_zone)}</td>
                      <td data-due={r.due}>{formatDate(r.due, site.time_zone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Answer>
      </section>
    </div>
  )
}

function NewRequest({ siteKey, onCreated }: { siteKey: string; onCreated: (r: CreatedRequest) => void }) {
  const [type, setType] = useState<string>('access')
  const [key, setKey] = useState<string>('customer_id')
  const [id, setId] = useState('')
  const [reference, setReference] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    if (type === 'erasure' && !confirm(t('pv_confirmErasure'))) return
    setBusy(true)
    setError(null)
    try {
      const body: Record<string, string> = { type, site: siteKey, [key]: id.trim() }
      if (reference.trim()) body.reference = reference.trim()
      onCreated(await api.send<CreatedRequest>('POST', '/api/privacy/requests', body))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="card new-request">
      <summary>{t('pv_newRequest')}</summary>
      <form onSubmit={submit} class="form-grid">
        <fieldset>
          <legend>{t('pv_type')}</legend>
          {REQUEST_TYPES.map((x) => (
            <label key={x} class="choice">
              <input type="radio" name="type" value={x} checked={type === x} onChange={() => setType(x)} />
              {t(`pv_type_${x}` as Key)}
            </label>
          ))}
        </fieldset>
        <label>
          <span>{t('pv_idKind')}</span>
          <select name="subject_key" value={key} onChange={(e) => setKey((e.target as HTMLSelectElement).value)}>
            {SUBJECT_KEYS.map((k) => (
              <option key={k} value={k}>
                {t(`pv_${k}` as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('pv_subjectId')}</span>
          <input name="subject_id" required maxLength={256} value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('pv_reference')}</span>
          <input name="reference" maxLength={200} value={reference} aria-describedby="reference-hint"
            onInput={(e) => setReference((e.target as HTMLInputElement).value)} />
          <small id="reference-hint">{t('pv_referenceHint')}</small>
        </label>
        {error != null && <Problem error={error} />}
        <div>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('pv_filing') : t('pv_file')}
          </button>
        </div>
      </form>
    </details>
  )
}

function RequestDetail({ site, state, id }: ViewProps & { id: string }) {
  const request = useLoad((signal) => api.get<PrivacyRequest>(`/api/privacy/requests/${encodeURIComponent(id)}`, signal), id)
  const r = request.data

  // An open request is asked again every few seconds until it completes or fails.
  useEffect(() => {
    if (!r || !isOpen(r.status)) return
    const timer = setTimeout(request.reload, POLL_MS)
    return () => clearTimeout(timer)
  }, [r])

  const back = (
    <p>
      <a href={viewUrl(REQUESTS_PATH, state)}
        onClick={(e) => {
          e.preventDefault()
          navigate(viewUrl(REQUESTS_PATH, state))
        }}>
        ← {t('pv_requests')}
      </a>
    </p>
  )
  if (request.error != null) return <>{back}<Problem error={request.error} onRetry={request.reload} /></>
  if (!r) return <>{back}<p class="loading" role="status">{t('loading')}</p></>

  const zone = site.time_zone
  const exportUrl = `/api/privacy/requests/${encodeURIComponent(r.id)}/export`
  return (
    <div class="privacy request-detail">
      {back}
      <h1>
        {t(`pv_type_${r.type}` as Key)} <small><code>{r.id}</code></small>
      </h1>
      <dl class="facts">
        <div>
          <dt>{t('pv_status')}</dt>
          <dd data-field="status" data-value={r.status}>
            <StatusBadge status={r.status} overdue={r.overdue} />
            {isOpen(r.status) && <span role="status" class="polling"> {t('pv_polling')}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('pv_subjectKey')}</dt>
          <dd>{r.subject_key}</dd>
        </div>
        <div>
          <dt>{t('pv_reference')}</dt>
          <dd>{r.reference || '–'}</dd>
        </div>
        <div>
          <dt>{t('pv_received')}</dt>
          <dd data-field="received_at" data-value={r.received_at}>{when(r.received_at, zone)}</dd>
        </div>
        <div>
          <dt>{t('pv_due')}</dt>
          <dd data-field="due" data-value={r.due}>{when(r.due, zone)}</dd>
        </div>
        <div>
          <dt>{t(isOpen(r.status) ? 'pv_updated' : r.status === 'completed' ? 'pv_completedAt' : 'pv_failedAt')}</dt>
          <dd data-field="updated_at" data-value={r.updated_at}>{when(r.updated_at, zone)}</dd>
        </div>
      </dl>
      {r.error && (
        <div class="problem" role="alert">
          <strong>{t('pv_failed')}</strong>
          <p>{r.error}</p>
        </div>
      )}
      {r.type === 'access' && r.status === 'completed' && (
        <section class="card" aria-labelledby="export-title">
          <h2 id="export-title">{t('pv_export')}</h2>
          <p>{t('pv_exportIntro')}</p>
          <p class="actions">
            <a class="button" href={exportUrl} download data-export="json">{t('pv_downloadJson')}</a>{' '}
            <a class="button" href={exportUrl + '?format=csv'} download data-export="csv">{t('pv_downloadCsv')}</a>
          </p>
        </section>
      )}
      <section class="card" aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t(r.type === 'erasure' ? 'pv_evidence' : 'pv_found')}</h2>
        <p>{t(r.type === 'erasure' ? 'pv_evidenceIntro' : 'pv_foundIntro')}</p>
        {r.tables.length === 0 ? (
          <p class="empty-note">{t(isOpen(r.status) ? 'pv_notCountedYet' : 'pv_noTables')}</p>
        ) : (
          <div class="scroll">
            <table class="evidence" data-tables={r.tables.length}>
              <thead>
                <tr>
                  <th scope="col">{t('pv_table')}</th>
                  <th scope="col" class="num">{t('pv_rowsFound')}</th>
                  {r.type === 'erasure' && <th scope="col" class="num">{t('pv_rowsDeleted')}</th>}
                  {r.type === 'erasure' && <th scope="col" class="num">{t('pv_rowsRemaining')}</th>}
                </tr>
              </thead>
              <tbody>
                {r.tables.map((x) => (
                  <tr key={x.table} data-table={x.table}>
                    <th scope="row"><code>{x.table}</code></th>
                    <td class="num" data-found={x.found}>{formatNumber(x.found)}</td>
                    {r.type === 'erasure' && <td class="num" data-deleted={x.deleted ?? ''}>{x.deleted == null ? '–' : formatNumber(x.deleted)}</td>}
                    {r.type === 'erasure' && <td class="num" data-remaining={x.remaining ?? ''}>{x.remaining == null ? '–' : formatNumber(x.remaining)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {r.type === 'erasure' && (
          <>
            <h3>{t('pv_tombstones')}</h3>
            {r.tombstones ? (
              <p data-tombstones={r.tombstones.count} data-erased-at={r.tombstones.erased_at}>
                {t('pv_tombstonesWritten')} {formatNumber(r.tombstones.count)} · {when(r.tombstones.erased_at, zone)}
              </p>
            ) : (
              <p class="empty-note">{t('pv_noTombstones')}</p>
            )}
            <p class="note">{t('pv_tombstonesNote')}</p>
          </>
        )}
      </section>
    </div>
  )
}
