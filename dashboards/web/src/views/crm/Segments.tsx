// /segments: a site's saved segments (/api/sites/{key}/segments): list, create, edit, delete; for the chosen one
// (`?segment=ID`) the preview (GET /api/segments/{id}/customers: members with marketing consent and those held back),
// the CSV export (a link to ?format=csv), the webhook's deliveries and, for admins, "run now".
import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { Answer, useAnswer } from './common'
import { CLASSES, emptySegmentForm, RFM_SEGMENTS, segmentBody, segmentForm, viewUrl, type SegmentForm } from './logic'
import type { Segment, SegmentCustomers, SegmentDelivery, SegmentRun } from './types'

export function Segments({ site, state, me }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const chosen = new URLSearchParams(loc.search).get('segment') ?? ''
  const list = useAnswer<Segment[]>(`/api/sites/${encodeURIComponent(site.key)}/segments`)
  const [editing, setEditing] = useState<Segment | 'new' | null>(null)
  const choose = (id: string) => navigate(viewUrl('/segments', state, { segment: id || undefined }))

  const [removeError, setRemoveError] = useState<unknown>(null)
  const remove = async (s: Segment) => {
    if (!confirm(t('crm_confirmDelete').replace('{name}', s.name))) return
    setRemoveError(null)
    try {
      await api.send('DELETE', `/api/sites/${encodeURIComponent(site.key)}/segments/${encodeURIComponent(s.id)}`)
      if (chosen === s.id) choose('')
      list.reload()
    } catch (e) {
      setRemoveError(e)
    }
  }

  return (
    <div class="crm">
      <h1>
        {t('crm_segmentsTitle')} <small>{site.name}</small>
      </h1>
      <p>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          {t('crm_newSegment')}
        </button>
      </p>
      {editing && (
        <SegmentEditor siteKey={site.key} segment={editing === 'new' ? null : editing} onCancel={() => setEditing(null)}
          onSaved={(s) => {
            setEditing(null)
            list.reload()
            choose(s.id)
          }} />
      )}
      {removeError != null && <Problem error={removeError} />}
      <Answer loaded={list}>
        {(segments) =>
          segments.length === 0 ? (
            <p class="empty card">{t('crm_noSegments')}</p>
          ) : (
            <section class="card" aria-labelledby="segments-title">
              <h2 id="segments-title">{t('crm_savedSegments')}</h2>
              <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                <table data-dimension="segments">
                  <thead>
                    <tr>
                      <th scope="col">{t('crm_name')}</th>
                      <th scope="col" class="num">{t('crm_periodDays')}</th>
                      <th scope="col">{t('crm_filtersOf')}</th>
                      <th scope="col">{t('crm_webhook')}</th>
                      <th scope="col">{t('crm_actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {segments.map((s) => (
                      <tr key={s.id} data-segment={s.id} aria-current={s.id === chosen ? 'true' : undefined}>
                        <th scope="row">
                          <button type="button" class="link" onClick={() => choose(s.id)}>
                            {s.name}
                          </button>
                        </th>
                        <td class="num">{formatNumber(s.period_days)}</td>
                        <td>{describe(s)}</td>
                        <td>{s.webhook ? s.webhook.url : '–'}</td>
                        <td class="actions">
                          <button type="button" onClick={() => setEditing(s)} aria-label={`${t('crm_edit')}: ${s.name}`}>
                            {t('crm_edit')}
                          </button>{' '}
                          <button type="button" onClick={() => remove(s)} aria-label={`${t('crm_delete')}: ${s.name}`}>
                            {t('crm_delete')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )
        }
      </Answer>
      {chosen && list.data?.find((s) => s.id === chosen) && <SegmentDetail segment={list.data.find((s) => s.id === chosen)!} admin={me.role === 'admin'} zone={site.time_zone} />}
    </div>
  )
}

/** The filters of a segment in a line of words (the API's values, translated where they are names). */
function describe(s: Segment): string {
  const f = s.filters
  const parts: string[] = []
  if (f.events?.length) parts.push(f.events.join(', '))
  if (f.class?.length) parts.push(`${t('crm_class')} ${f.class.join('/')}`)
  if (f.rfm_segment?.length) parts.push(f.rfm_segment.map((x) => t(('rfm_' + x) as Key) ?? x).join(', '))
  if (f.last_seen) {
    const l = f.last_seen
    if (l.within_days != null) parts.push(t('crm_seenWithin').replace('{n}', String(l.within_days)))
    if (l.after) parts.push(`${t('crm_seenAfter')} ${l.after.slice(0, 10)}`)
    if (l.before) parts.push(`${t('crm_seenBefore')} ${l.before.slice(0, 10)}`)
  }
  if (f.dropped_at?.steps?.length) parts.push(`${t('crm_droppedAt')} ${f.dropped_at.step} (${f.dropped_at.steps.map((x) => x.path || x.name || x.type).join(' → ')})`)
  return parts.length ? parts.join('; ') : t('crm_everyCustomer')
}

function SegmentDetail({ segment, admin, zone }: { segment: Segment; admin: boolean; zone: string }) {
  const preview = useAnswer<SegmentCustomers>(`/api/segments/${encodeURIComponent(segment.id)}/customers?page=1&page_size=20`)
  const deliveries = useAnswer<SegmentDelivery[]>(segment.webhook ? `/api/segments/${encodeURIComponent(segment.id)}/deliveries` : null)
  const [run, setRun] = useState<SegmentRun | null>(null)
  const [runError, setRunError] = useState<unknown>(null)
  const [running, setRunning] = useState(false)
  const csv = `/api/segments/${encodeURIComponent(segment.id)}/customers?format=csv`

  const runNow = async () => {
    setRunning(true)
    setRunError(null)
    try {
      setRun(await api.send<SegmentRun>('POST', `/api/segments/${encodeURIComponent(segment.id)}/run`))
      deliveries.reload()
    } catch (e) {
      setRunError(e)
    } finally {
      setRunning(false)
    }
  }

  return (
    <section class="card segment-detail" aria-labelledby="segment-detail">
      <h2 id="segment-detail">{segment.name}</h2>
      <Answer loaded={preview}>
        {(p) => (
          <>
            <dl class="kpis">
              <div class="kpi">
                <dt>{t('crm_contactable')}</dt>
                <dd data-kpi="total" data-value={String(p.total)}>{formatNumber(p.total)}</dd>
              </div>
              <div class="kpi">
                <dt>{t('crm_heldBack')}</dt>
                <dd data-kpi="held_back" data-value={String(p.held_back)}>{formatNumber(p.held_back)}</dd>
              </div>
            </dl>
            <p>
              <a href={csv} download={`segment-${segment.id}.csv`} class="button">
                {t('crm_exportCsv')}
              </a>
            </p>
            {p.customers.length > 0 && (
              <table data-dimension="segment_customers">
                <caption>{t('crm_firstMembers')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('crm_customer')}</th>
                    <th scope="col">{t('crm_name')}</th>
                    <th scope="col">{t('crm_email')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.customers.map((c) => (
                    <tr key={c.customer_id}>
                      <th scope="row">{c.customer_id}</th>
                      <td>{c.name}</td>
                      <td>{c.email}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Answer>
      <h3>{t('crm_webhook')}</h3>
      {!segment.webhook ? (
        <p>{t('crm_noWebhook')}</p>
      ) : (
        <>
          <p>
            <code>{segment.webhook.url}</code>
            {admin && (
              <>
                {' '}
                <button type="button" onClick={runNow} disabled={running}>
                  {t('crm_runNow')}
                </button>
              </>
            )}
          </p>
          {runError != null && <Problem error={runError} />}
          {run && (
            <p role="status">
              {t('crm_runResult').replace('{entered}', String(run.entered)).replace('{left}', String(run.left)).replace('{held}', String(run.held_back))}{' '}
              {t(run.delivered ? 'crm_delivered' : run.sent ? 'crm_notDelivered' : 'crm_nothingToSend')}
            </p>
          )}
          <Answer loaded={deliveries}>
            {(d) =>
              d.length === 0 ? (
                <p>{t('crm_noDeliveries')}</p>
              ) : (
                <table data-dimension="deliveries">
                  <caption>{t('crm_deliveries')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('time')}</th>
                      <th scope="col" class="num">{t('crm_attempt')}</th>
                      <th scope="col" class="num">{t('crm_status')}</th>
                      <th scope="col">{t('crm_result')}</th>
                      <th scope="col" class="num">{t('crm_entered')}</th>
                      <th scope="col" class="num">{t('crm_left')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.map((x) => (
                      <tr key={x.delivery_id + x.attempt}>
                        <th scope="row">{formatDate(x.time, zone, { dateStyle: 'medium', timeStyle: 'short' })}</th>
                        <td class="num">{x.attempt}</td>
                        <td class="num">{x.status_code || '–'}</td>
                        <td>{x.result}</td>
                        <td class="num">{formatNumber(x.entered)}</td>
                        <td class="num">{formatNumber(x.left)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Answer>
        </>
      )}
    </section>
  )
}

function SegmentEditor({ siteKey, segment, onCancel, onSaved }: { siteKey: string; segment: Segment | null; onCancel: () => void; onSaved: (s: Segment) => void }) {
  const [f, setF] = useState<SegmentForm>(segment ? segmentForm(segment) : emptySegmentForm())
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const text = (k: keyof SegmentForm) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value })
  const toggle = (k: 'classes' | 'rfm', v: string) => (e: Event) =>
    setF({ ...f, [k]: (e.target as HTMLInputElement).checked ? [...f[k], v] : f[k].filter((x) => x !== v) })

  const save = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const base = `/api/sites/${encodeURIComponent(siteKey)}/segments`
      onSaved(await (segment ? api.send<Segment>('PUT', `${base}/${encodeURIComponent(segment.id)}`, segmentBody(f)) : api.send<Segment>('POST', base, segmentBody(f))))
    } catch (x) {
      setError(x)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card segment-form" onSubmit={save} aria-labelledby="segment-form-title">
      <h2 id="segment-form-title">{segment ? `${t('crm_edit')}: ${segment.name}` : t('crm_newSegment')}</h2>
      <div class="fields">
        <label>
          <span>{t('crm_name')}</span>
          <input name="name" required value={f.name} onInput={text('name')} />
        </label>
        <label>
          <span>{t('crm_periodDays')}</span>
          <input name="period_days" type="number" min={1} value={f.periodDays} onInput={text('periodDays')} />
        </label>
      </div>
      <fieldset>
        <legend>{t('crm_class')}</legend>
        {CLASSES.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" name="class" value={c} checked={f.classes.includes(c)} onChange={toggle('classes', c)} /> {c}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('crm_rfmSegment')}</legend>
        {RFM_SEGMENTS.map((s) => (
          <label key={s} class="check">
            <input type="checkbox" name="rfm_segment" value={s} checked={f.rfm.includes(s)} onChange={toggle('rfm', s)} /> {t(('rfm_' + s) as Key)}
          </label>
        ))}
      </fieldset>
      <label class="block">
        <span>{t('crm_eventFilters')}</span>
        <textarea name="events" rows={2} value={f.events} placeholder="device:is:mobile" onInput={text('events')} />
      </label>
      <fieldset>
        <legend>{t('crm_lastSeen')}</legend>
        <label>
          <span>{t('crm_seenAfter')}</span>
          <input type="date" name="seen_after" value={f.seenAfter} onInput={text('seenAfter')} />
        </label>
        <label>
          <span>{t('crm_seenBefore')}</span>
          <input type="date" name="seen_before" value={f.seenBefore} onInput={text('seenBefore')} />
        </label>
        <label>
          <span>{t('crm_withinDays')}</span>
          <input type="number" min={1} name="within_days" value={f.withinDays} onInput={text('withinDays')} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('crm_droppedAt')}</legend>
        <label class="block">
          <span>{t('crm_funnelSteps')}</span>
          <textarea name="steps" rows={2} value={f.dropSteps} placeholder={'pageview /cart\npurchase'} onInput={text('dropSteps')} />
        </label>
        <label>
          <span>{t('crm_step')}</span>
          <input type="number" min={1} name="step" value={f.dropStep} onInput={text('dropStep')} />
        </label>
        <label>
          <span>{t('crm_windowSeconds')}</span>
          <input type="number" min={1} name="window_seconds" value={f.dropWindow} onInput={text('dropWindow')} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('crm_webhook')}</legend>
        <label>
          <span>URL</span>
          <input type="url" name="webhook_url" value={f.webhookUrl} onInput={text('webhookUrl')} />
        </label>
        <label>
          <span>{t('crm_secret')}</span>
          <input type="password" name="webhook_secret" autoComplete="new-password" value={f.webhookSecret}
            placeholder={segment?.webhook?.has_secret ? t('crm_secretKept') : ''} onInput={text('webhookSecret')} />
        </label>
      </fieldset>
      {error != null && <Problem error={error} />}
      <p>
        <button type="submit" class="primary" disabled={busy}>
          {t('crm_save')}
        </button>{' '}
        <button type="button" onClick={onCancel}>
          {t('crm_cancel')}
        </button>
      </p>
    </form>
  )
}
