// Consent history of a subject (/privacy/consent?visitor_id=… or ?customer_id=…): the latest state per purpose and
// every consent proof over time, newest first, as GET /api/privacy/consents answers them.
import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { ownParams, useLoad, viewUrl } from './load'
import { SUBJECT_KEYS, type ConsentHistory, type SubjectKey } from './types'

export const CONSENT_PATH = '/privacy/consent'

/** The subject a URL asks for: exactly one of customer_id and visitor_id (a customer id wins if both are there). */
export function subjectOf(search: string): { key: SubjectKey; id: string } | null {
  const p = ownParams(search, SUBJECT_KEYS)
  if (p.customer_id) return { key: 'customer_id', id: p.customer_id }
  if (p.visitor_id) return { key: 'visitor_id', id: p.visitor_id }
  return null
}

export function Consent({ site, state }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const subject = subjectOf(loc.search)
  const [key, setKey] = useState<SubjectKey>(subject?.key ?? 'visitor_id')
  const [id, setId] = useState(subject?.id ?? '')

  const search = (e: Event) => {
    e.preventDefault()
    if (id.trim()) navigate(viewUrl(CONSENT_PATH, state, { [key]: id.trim() }))
  }

  return (
    <div class="privacy">
      <h1>
        {t('pv_consent')} <small>{site.name}</small>
      </h1>
      <form class="card search-form" role="search" onSubmit={search}>
        <label>
          <span>{t('pv_idKind')}</span>
          <select name="key" value={key} onChange={(e) => setKey((e.target as HTMLSelectElement).value as SubjectKey)}>
            {SUBJECT_KEYS.map((k) => (
              <option key={k} value={k}>
                {t(`pv_${k}` as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('pv_subjectId')}</span>
          <input name="id" required maxLength={256} value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">{t('pv_search')}</button>
      </form>
      {subject ? <History siteKey={site.key} zone={site.time_zone} subject={subject} /> : <p class="empty-note">{t('pv_consentIntro')}</p>}
    </div>
  )
}

function History({ siteKey, zone, subject }: { siteKey: string; zone: string; subject: { key: SubjectKey; id: string } }) {
  const query = new URLSearchParams({ site: siteKey, [subject.key]: subject.id }).toString()
  const history = useLoad((signal) => api.get<ConsentHistory>('/api/privacy/consents?' + query, signal), query)
  if (history.error != null) return <Problem error={history.error} onRetry={history.reload} />
  const h = history.data
  if (!h) return <p class="loading" role="status">{t('loading')}</p>
  const when = (iso: string) => formatDate(iso, zone, { dateStyle: 'medium', timeStyle: 'medium' })
  const yes = (b: boolean) => (b ? t('pv_granted') : t('pv_denied'))

  return (
    <>
      <section class="card" aria-labelledby="latest-title">
        <h2 id="latest-title">{t('pv_latest')}</h2>
        <p>
          {t('pv_visitorIds')}: <span data-visitor-ids={h.visitor_ids.length}>{formatNumber(h.visitor_ids.length)}</span>
          {h.visitor_ids.length > 0 && <> (<code>{h.visitor_ids.join(', ')}</code>)</>}
        </p>
        {h.proofs.length === 0 ? (
          <p class="empty-note">{t('pv_noProofs')}</p>
        ) : (
          <dl class="facts">
            {(['analytics', 'marketing'] as const).map((p) => {
              const s = h.latest[p]
              return s ? (
                <div key={p}>
                  <dt>{t(`pv_purpose_${p}` as Key)}</dt>
                  <dd data-purpose={p} data-value={String(s.granted)}>
                    <span class={s.granted ? 'granted' : 'denied'}>{yes(s.granted)}</span> <small>{when(s.at)}</small>
                  </dd>
                </div>
              ) : null
            })}
          </dl>
        )}
      </section>
      {h.proofs.length > 0 && (
        <section class="card" aria-labelledby="proofs-title">
          <h2 id="proofs-title">
            {t('pv_proofs')} (<span data-proofs={h.proofs.length}>{formatNumber(h.proofs.length)}</span>)
          </h2>
          <div class="scroll">
            <table class="proofs">
              <thead>
                <tr>
                  <th scope="col">{t('pv_received')}</th>
                  <th scope="col">{t('pv_visitor_id')}</th>
                  <th scope="col">{t('pv_purpose_analytics')}</th>
                  <th scope="col">{t('pv_purpose_marketing')}</th>
                  <th scope="col">{t('pv_policy')}</th>
                  <th scope="col">{t('pv_source')}</th>
                  <th scope="col">{t('pv_ip')}</th>
                  <th scope="col">{t('pv_userAgent')}</th>
                </tr>
              </thead>
              <tbody>
                {h.proofs.map((p) => (
                  <tr key={p.consent_id} data-consent-id={p.consent_id}>
                    <th scope="row">{when(p.received_at)}</th>
                    <td><code>{p.visitor_id}</code></td>
                    <td data-analytics={String(p.purposes.analytics)}>{yes(p.purposes.analytics)}</td>
                    <td data-marketing={String(p.purposes.marketing)}>{yes(p.purposes.marketing)}</td>
                    <td>{p.policy_version}</td>
                    <td>{p.source}</td>
                    <td>{p.ip_truncated}</td>
                    <td class="ua">{p.user_agent}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  )
}
