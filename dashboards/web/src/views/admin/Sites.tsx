// Sites (/admin/sites): every site with its settings, a form for a new one, and each site's page
// (/admin/sites/KEY) with the snippet to copy, its settings and its identify secret (set, rotate or remove: the
// API answers whether identifies must be signed, never the secret, so a new one is shown once, here).
import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t } from '../../i18n'
import { navigate } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import { Answer } from '../Answer'
import type { ViewProps } from '../registry'
import { subPath, useLoad, viewUrl } from '../privacy/load'
import { CopyValue } from './Copy'
import { randomSecret, splitList, timeZones } from './form'
import type { SiteRecord } from './types'

export const SITES_PATH = '/admin/sites'

/** A secret just set in this tab, to show once on the site's page. */
let freshSecret: { key: string; secret: string } | null = null

const siteUrl = (key: string, state: ViewProps['state']) => viewUrl(`${SITES_PATH}/${encodeURIComponent(key)}`, state)

export function Sites(props: ViewProps) {
  useSignal(lang)
  const key = subPath(props.path, SITES_PATH)
  return key ? <SiteDetail {...props} siteKey={key} /> : <SiteList {...props} />
}

function SiteList({ state }: ViewProps) {
  const list = useLoad((signal) => api.get<SiteRecord[]>('/api/sites', signal), 'sites')
  return (
    <div class="admin">
      <h1>{t('ad_sites')}</h1>
      <NewSite onCreated={(s) => navigate(siteUrl(s.key, state))} />
      <section class="card" aria-labelledby="sites-title">
        <h2 id="sites-title">{t('ad_siteList')}</h2>
        <Answer loaded={list} empty={(d) => d.length === 0} emptyText={t('ad_noSites')}>
          {(data) => (
            <div class="scroll">
              <table class="sites" data-count={data.length}>
                <thead>
                  <tr>
                    <th scope="col">{t('ad_name')}</th>
                    <th scope="col">{t('ad_key')}</th>
                    <th scope="col">{t('ad_domains')}</th>
                    <th scope="col">{t('pv_timeZone')}</th>
                    <th scope="col" class="num">{t('pv_retentionDays')}</th>
                    <th scope="col">{t('ad_identifySigned')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((s) => (
                    <tr key={s.key} data-site={s.key}>
                      <th scope="row">
                        <a href={siteUrl(s.key, state)}
                          onClick={(e) => {
                            e.preventDefault()
                            navigate(siteUrl(s.key, state))
                          }}>
                          {s.name}
                        </a>
                      </th>
                      <td><code>{s.key}</code></td>
                      <td>{s.domains.join(', ')}</td>
                      <td>{s.time_zone}</td>
                      <td class="num" data-retention-days={s.retention_days}>{formatNumber(s.retention_days)}</td>
                      <td>{s.identify_signed ? t('ad_yes') : t('ad_no')}</td>
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

function NewSite({ onCreated }: { onCreated: (s: SiteRecord) => void }) {
  const [name, setName] = useState('')
  const [domains, setDomains] = useState('')
  const [zone, setZone] = useState('UTC')
  const [retention, setRetention] = useState('395')
  const [params, setParams] = useState('')
  const [secret, setSecret] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value)

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body: Record<string, unknown> = {
        name: name.trim(),
        domains: splitList(domains),
        time_zone: zone.trim() || 'UTC',
        retention_days: Number(retention),
        query_params: splitList(params),
      }
      if (secret) body.identify_secret = secret
      const site = await api.send<SiteRecord>('POST', '/api/sites', body)
      if (secret) freshSecret = { key: site.key, secret }
      onCreated(site)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="card new-site">
      <summary>{t('ad_newSite')}</summary>
      <form class="form-grid" onSubmit={submit}>
        <label>
          <span>{t('ad_name')}</span>
          <input name="name" required maxLength={100} value={name} onInput={input(setName)} />
        </label>
        <label>
          <span>{t('ad_domains')}</span>
          <input name="domains" required value={domains} aria-describedby="domains-hint" onInput={input(setDomains)} />
          <small id="domains-hint">{t('ad_domainsHint')}</small>
        </label>
        <label>
          <span>{t('pv_timeZone')}</span>
          <input name="time_zone" list="time-zones" value={zone} onInput={input(setZone)} />
          <datalist id="time-zones">
            {timeZones().map((z) => <option key={z} value={z} />)}
          </datalist>
        </label>
        <label>
          <span>{t('pv_retentionDays')}</span>
          <input name="retention_days" type="number" min={1} max={3650} required value={retention} onInput={input(setRetention)} />
        </label>
        <label>
          <span>{t('ad_queryParams')}</span>
          <input name="query_params" value={params} aria-describedby="params-hint" onInput={input(setParams)} />
          <small id="params-hint">{t('ad_queryParamsHint')}</small>
        </label>
        <fieldset>
          <legend>{t('ad_identifySecret')}</legend>
          <p class="note">{t('ad_identifyHint')}</p>
          {secret ? (
            <>
              <CopyValue id="new-secret" label={t('ad_identifySecret')} value={secret} once />
              <button type="button" onClick={() => setSecret('')}>{t('ad_noSecret')}</button>
            </>
          ) : (
            <button type="button" onClick={() => setSecret(randomSecret())}>{t('ad_generateSecret')}</button>
          )}
        </fieldset>
        {error != null && <Problem error={error} />}
        <div>
          <button type="submit" class="primary" disabled={busy}>{t('ad_createSite')}</button>
        </div>
      </form>
    </details>
  )
}

function SiteDetail({ state, siteKey }: ViewProps & { siteKey: string }) {
  const site = useLoad((signal) => api.get<SiteRecord>(`/api/sites/${encodeURIComponent(siteKey)}`, signal), siteKey)
  const [shown, setShown] = useState<string | null>(() => {
    const s = freshSecret?.key === siteKey ? freshSecret.secret : null
    freshSecret = null
    return s
  })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const setSecret = async (secret: string | null) => {
    if (secret === null && !confirm(t('ad_confirmRemoveSecret'))) return
    setBusy(true)
    setError(null)
    try {
      await api.send('PUT', `/api/sites/${encodeURIComponent(siteKey)}/identify-secret`, { identify_secret: secret })
      setShown(secret)
      site.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const back = (
    <p>
      <a href={viewUrl(SITES_PATH, state)}
        onClick={(e) => {
          e.preventDefault()
          navigate(viewUrl(SITES_PATH, state))
        }}>
        ← {t('ad_sites')}
      </a>
    </p>
  )
  if (site.error != null) return <>{back}<Problem error={site.error} onRetry={site.reload} /></>
  const s = site.data
  if (!s) return <>{back}<p class="loading" role="status">{t('loading')}</p></>

  return (
    <div class="admin site-detail">
      {back}
      <h1>
        {s.name} <small><code>{s.key}</code></small>
      </h1>
      <section class="card" aria-labelledby="snippet-title">
        <h2 id="snippet-title">{t('ad_snippet')}</h2>
        <p>{t('ad_snippetIntro')}</p>
        <CopyValue id="snippet" label={t('ad_snippet')} value={s.snippet} />
        <p>{t('ad_verify')} <a href={`/overview?site=${encodeURIComponent(s.key)}`}>{t('overview')}</a></p>
      </section>
      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title">{t('ad_settings')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('ad_domains')}</dt>
            <dd data-field="domains">{s.domains.join(', ')}</dd>
          </div>
          <div>
            <dt>{t('pv_timeZone')}</dt>
            <dd data-field="time_zone">{s.time_zone}</dd>
          </div>
          <div>
            <dt>{t('pv_retentionDays')}</dt>
            <dd data-field="retention_days" data-value={s.retention_days}>{formatNumber(s.retention_days)}</dd>
          </div>
          <div>
            <dt>{t('pv_lastRun')}</dt>
            <dd data-field="retention_last_run">
              {s.retention_last_run ? formatDate(s.retention_last_run, s.time_zone, { dateStyle: 'medium', timeStyle: 'short' }) : t('pv_neverRun')}
            </dd>
          </div>
          <div>
            <dt>{t('ad_queryParams')}</dt>
            <dd data-field="query_params">{s.query_params.length ? s.query_params.join(', ') : '–'}</dd>
          </div>
          <div>
            <dt>{t('ad_created')}</dt>
            <dd>{formatDate(s.created_at, s.time_zone)}</dd>
          </div>
        </dl>
        <EditSite site={s} onSaved={site.reload} />
      </section>
      <section class="card" aria-labelledby="secret-title">
        <h2 id="secret-title">{t('ad_identifySecret')}</h2>
        <p data-field="identify_signed" data-value={String(s.identify_signed)}>
          {s.identify_signed ? t('ad_signedYes') : t('ad_signedNo')}
        </p>
        <p class="note">{t('ad_identifyHint')}</p>
        {shown && <CopyValue id="identify-secret" label={t('ad_newSecret')} value={shown} once />}
        {error != null && <Problem error={error} />}
        <p class="actions">
          <button type="button" disabled={busy} onClick={() => setSecret(randomSecret())}>
            {s.identify_signed ? t('ad_rotateSecret') : t('ad_generateSecret')}
          </button>{' '}
          {s.identify_signed && (
            <button type="button" disabled={busy} onClick={() => setSecret(null)}>{t('ad_removeSecret')}</button>
          )}
        </p>
      </section>
    </div>
  )
}

/** The site's settings as a form (PUT /api/sites/{key}): name, domains, time zone, retention, query parameters. */
function EditSite({ site, onSaved }: { site: SiteRecord; onSaved: () => void }) {
  const [name, setName] = useState(site.name)
  const [domains, setDomains] = useState(site.domains.join(', '))
  const [zone, setZone] = useState(site.time_zone)
  const [retention, setRetention] = useState(String(site.retention_days))
  const [params, setParams] = useState(site.query_params.join(', '))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState(false)
  const input = (set: (v: string) => void) => (e: Event) => {
    setSaved(false)
    set((e.target as HTMLInputElement).value)
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    if (Number(retention) < site.retention_days && !confirm(t('ad_confirmShorter'))) return
    setBusy(true)
    setError(null)
    try {
      await api.send('PUT', `/api/sites/${encodeURIComponent(site.key)}`, {
        name: name.trim(),
        domains: splitList(domains),
        time_zone: zone.trim() || 'UTC',
        retention_days: Number(retention),
        query_params: splitList(params),
      })
      setSaved(true)
      onSaved()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <details class="edit-site">
      <summary>{t('ad_editSettings')}</summary>
      <form class="form-grid" onSubmit={submit}>
        <label>
          <span>{t('ad_name')}</span>
          <input name="edit_name" required maxLength={200} value={name} onInput={input(setName)} />
        </label>
        <label>
          <span>{t('ad_domains')}</span>
          <input name="edit_domains" required value={domains} onInput={input(setDomains)} />
        </label>
        <label>
          <span>{t('pv_timeZone')}</span>
          <input name="edit_time_zone" list="edit-time-zones" value={zone} onInput={input(setZone)} />
          <datalist id="edit-time-zones">
            {timeZones().map((z) => <option key={z} value={z} />)}
          </datalist>
        </label>
        <label>
          <span>{t('pv_retentionDays')}</span>
          <input name="edit_retention_days" type="number" min={1} max={3650} required value={retention} onInput={input(setRetention)} />
        </label>
        <label>
          <span>{t('ad_queryParams')}</span>
          <input name="edit_query_params" value={params} onInput={input(setParams)} />
        </label>
        {error != null && <Problem error={error} />}
        <div>
          <button type="submit" class="primary" disabled={busy}>{t('ad_save')}</button>
          {saved && <span role="status" class="note"> {t('ad_saved')}</span>}
        </div>
      </form>
    </details>
  )
}
