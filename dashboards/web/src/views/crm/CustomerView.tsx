// /customers/{id}: the 360-degree page of one customer, every part as GET /api/customers/{id} answers it
// (docs/customers.md): profile and consent, class, CLV, RFM, value, complaints and service contacts (with a form to
// record a contact: POST /api/crm/contacts, which service, marketers and admins may), the journey by phases,
// recommendations, survey answers, linked devices, and the paged sessions and timeline (pages in the URL).
import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatDuration, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { Answer, Fig, formatDecimal, formatMoney, Pager, useAnswer } from './common'
import { customerPath, customerQuery, positive, viewUrl } from './logic'
import type { Contact, ConsentPurpose, CustomerView as View, JourneyPhase, TimelineItem, Touchpoint } from './types'

const when = (iso: string | null | undefined, zone: string) => (iso ? formatDate(iso, zone, { dateStyle: 'medium', timeStyle: 'short' }) : '–')

export function CustomerView({ site, state, customerId }: ViewProps & { customerId: string }) {
  useSignal(lang)
  const loc = useSignal(route)
  const params = new URLSearchParams(loc.search)
  const sp = positive(params.get('sp'))
  const tp = positive(params.get('tp'))
  const loaded = useAnswer<View>(`/api/customers/${encodeURIComponent(customerId)}?` + customerQuery(state, sp, tp))
  const go = (own: { sp?: number; tp?: number }) => navigate(viewUrl(customerPath(customerId), state, { sp: own.sp ?? sp, tp: own.tp ?? tp }), { replace: true })
  const zone = site.time_zone

  return (
    <div class="crm c360">
      <p>
        <a href={viewUrl('/customers', state, {})} onClick={(e) => (e.preventDefault(), navigate(viewUrl('/customers', state, {})))}>
          ← {t('crm_customers')}
        </a>
      </p>
      <Answer loaded={loaded}>
        {(c) => (
          <>
            <h1>
              {c.profile?.name || c.customer_id} <small>{c.customer_id}</small>
            </h1>
            <dl class="kpis">
              <Kpi label={t('crm_class')} name="class" raw={c.class} shown={<span class={`badge class-${c.class}`}>{c.class}</span>} />
              <Kpi label={t('crm_lifetimeRevenue')} name="lifetime_revenue" raw={c.lifetime_revenue} money />
              <Kpi label={t('crm_orders')} name="orders" raw={c.orders} />
              <Kpi label={t('crm_aov')} name="average_order_value" raw={c.average_order_value} money />
              <Kpi label={t('crm_clvHistoric')} name="clv_historic" raw={c.clv.historic} money />
              <Kpi label={t('crm_clvPredicted')} name="clv_predicted" raw={c.clv.predicted} money />
              <Kpi label={t('crm_rfmSegment')} name="rfm_segment" raw={c.rfm?.segment ?? ''} shown={c.rfm?.segment ? t(('rfm_' + c.rfm.segment) as Key) : '–'} />
            </dl>
            <div class="grid2">
              <Profile c={c} zone={zone} />
              <Consent c={c} zone={zone} />
              <Standing c={c} zone={zone} />
              <ValuePart c={c} />
              <Service c={c} zone={zone} siteKey={site.key} onAdded={loaded.reload} />
              <Recommendations c={c} />
            </div>
            <Journey phases={c.journey} zone={zone} />
            <Orders c={c} zone={zone} />
            <Surveys c={c} zone={zone} />
            <section class="card" aria-labelledby="sessions-title">
              <h2 id="sessions-title">
                {t('sessions')} (<Fig name="sessions_total" value={c.sessions.total} />)
              </h2>
              {c.sessions.items.length === 0 ? (
                <p>{t('crm_none')}</p>
              ) : (
                <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                  <table data-dimension="sessions">
                    <thead>
                      <tr>
                        <th scope="col">{t('crm_start')}</th>
                        <th scope="col">{t('crm_channel')}</th>
                        <th scope="col">{t('crm_entry')}</th>
                        <th scope="col">{t('crm_exit')}</th>
                        <th scope="col" class="num">{t('pageviews')}</th>
                        <th scope="col" class="num">{t('crm_duration')}</th>
                        <th scope="col">{t('crm_device')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.sessions.items.map((s) => (
                        <tr key={s.visitor_id + s.start}>
                          <th scope="row">{when(s.start, zone)}</th>
                          <td>{s.channel}{s.source ? ` (${s.source})` : ''}{s.campaign ? ` · ${s.campaign}` : ''}</td>
                          <td>{s.entry_path}</td>
                          <td>{s.exit_path}</td>
                          <td class="num">{formatNumber(s.pageviews)}</td>
                          <td class="num">{formatDuration(s.duration_ms / 1000)}</td>
                          <td>{[s.device, s.browser, s.os, s.country].filter(Boolean).join(' · ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager page={c.sessions.page} total={c.sessions.total} size={c.sessions.page_size} label={t('sessions')} onPage={(p) => go({ sp: p })} />
            </section>
            <section class="card" aria-labelledby="timeline-title">
              <h2 id="timeline-title">
                {t('crm_timeline')} (<Fig name="timeline_total" value={c.timeline.total} />)
              </h2>
              {c.timeline.items.length === 0 ? (
                <p>{t('crm_none')}</p>
              ) : (
                <ol class="timeline" data-dimension="timeline">
                  {c.timeline.items.map((item, i) => (
                    <li key={i} class={`tl-${item.kind}`}>
                      <time dateTime={item.ts}>{when(item.ts, zone)}</time> <TimelineText item={item} />
                    </li>
                  ))}
                </ol>
              )}
              <Pager page={c.timeline.page} total={c.timeline.total} size={c.timeline.page_size} label={t('crm_timeline')} onPage={(p) => go({ tp: p })} />
            </section>
            <section class="card" aria-labelledby="devices-title">
              <h2 id="devices-title">{t('crm_devices')}</h2>
              {c.visitors.length === 0 ? (
                <p>{t('crm_none')}</p>
              ) : (
                <ul>
                  {c.visitors.map((v) => (
                    <li key={v.visitor_id}>
                      <code>{v.visitor_id}</code> — {t('crm_linkedBy')} {v.source}, {when(v.linked_at, zone)}; {t('crm_seen')} {when(v.first_seen, zone)} – {when(v.last_seen, zone)}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </Answer>
    </div>
  )
}

function Kpi({ label, name, raw, shown, money }: { label: string; name: string; raw: number | string; shown?: preact.ComponentChildren; money?: boolean }) {
  return (
    <div class="kpi">
      <dt>{label}</dt>
      <dd data-kpi={name} data-value={String(raw)}>
        {shown ?? (typeof raw === 'number' ? (money ? formatMoney(raw) : formatNumber(raw)) : raw)}
      </dd>
    </div>
  )
}

function Profile({ c, zone }: { c: View; zone: string }) {
  const p = c.profile
  return (
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('crm_profile')}</h2>
      {!p ? (
        <p>{t('crm_noProfile')}</p>
      ) : (
        <dl class="pairs">
          <dt>{t('crm_name')}</dt>
          <dd>{p.name || '–'}</dd>
          <dt>{t('crm_email')}</dt>
          <dd>{p.email || '–'}</dd>
          <dt>{t('crm_crmSegment')}</dt>
          <dd>{p.segment || '–'}</dd>
          <dt>{t('crm_created')}</dt>
          <dd>{when(p.created_at, zone)}</dd>
          {Object.entries(p.attributes).map(([k, v]) => [<dt key={'k' + k}>{k}</dt>, <dd key={'v' + k}>{v}</dd>])}
          <dt>{t('crm_first_last_seen')}</dt>
          <dd>
            {when(c.first_seen, zone)} – {when(c.last_seen, zone)}
          </dd>
        </dl>
      )}
    </section>
  )
}

function Consent({ c, zone }: { c: View; zone: string }) {
  const purpose = (label: string, name: string, p: ConsentPurpose | null) => (
    <>
      <dt>{label}</dt>
      <dd data-consent={name} data-value={p ? String(p.granted) : ''}>
        {p ? (
          <>
            <strong>{t(p.granted ? 'crm_granted' : 'crm_denied')}</strong> {when(p.at, zone)}
            <br />
            <small>
              {p.source}, {t('crm_policy')} {p.policy_version || '–'}, <code>{p.visitor_id}</code>
            </small>
          </>
        ) : (
          t('crm_noRecord')
        )}
      </dd>
    </>
  )
  const crm = c.profile?.marketing_consent
  return (
    <section class="card" aria-labelledby="consent-title">
      <h2 id="consent-title">{t('crm_consent')}</h2>
      <dl class="pairs">
        {purpose(t('crm_analytics'), 'analytics', c.consent.analytics)}
        {purpose(t('crm_marketing'), 'marketing', c.consent.marketing)}
        <dt>{t('crm_crmMarketing')}</dt>
        <dd>{crm ? `${t(crm.granted ? 'crm_granted' : 'crm_denied')} ${when(crm.at, zone)}` : t('crm_noRecord')}</dd>
      </dl>
    </section>
  )
}

function Standing({ c, zone }: { c: View; zone: string }) {
  const day = (iso: string) => formatDate(iso, zone)
  return (
    <section class="card" aria-labelledby="standing-title">
      <h2 id="standing-title">{t('crm_standing')}</h2>
      <dl class="pairs">
        <dt>{t('crm_period')}</dt>
        <dd>
          {day(c.abc.from)} – {day(new Date(Date.parse(c.abc.to) - 1).toISOString())}
        </dd>
        <dt>{t('crm_revenueInPeriod')}</dt>
        <dd><Fig name="abc_revenue" value={c.abc.revenue} money /></dd>
        <dt>{t('crm_revenueAbove')}</dt>
        <dd><Fig name="abc_revenue_above" value={c.abc.revenue_above} money /></dd>
        <dt>{t('crm_siteTotal')}</dt>
        <dd><Fig name="abc_total" value={c.abc.total} money /></dd>
        <dt>RFM (R · F · M)</dt>
        <dd data-fig="rfm">{c.rfm && c.rfm.r != null ? `${c.rfm.r} · ${c.rfm.f} · ${c.rfm.m}` : t('crm_unscored')}</dd>
        <dt>{t('crm_ordersPerYear')}</dt>
        <dd><span data-value={String(c.clv.orders_per_year)}>{formatDecimal(c.clv.orders_per_year)}</span></dd>
        <dt>{t('crm_predictedMargin')}</dt>
        <dd><Fig name="predicted_margin" value={c.clv.predicted_margin} money /> <small>({t('crm_lifetimeYears').replace('{n}', formatDecimal(c.clv.lifetime_years))})</small></dd>
      </dl>
    </section>
  )
}

function ValuePart({ c }: { c: View }) {
  const v = c.value
  return (
    <section class="card" aria-labelledby="value-title">
      <h2 id="value-title">{t('crm_value')}</h2>
      {!v ? (
        <p>{t('crm_noValue')}</p>
      ) : (
        <dl class="pairs">
          <dt>{t('crm_revenue')}</dt>
          <dd><Fig name="value_revenue" value={v.revenue} money /></dd>
          <dt>{t('crm_margin')}</dt>
          <dd><Fig name="value_margin" value={v.margin} money /></dd>
          <dt>{t('crm_acquisitionCost')}</dt>
          <dd><Fig name="value_acquisition_cost" value={v.acquisition_cost} money /> {v.channel && <small>({v.channel}{v.campaign ? ' · ' + v.campaign : ''})</small>}</dd>
          <dt>{t('crm_serviceCost')}</dt>
          <dd><Fig name="value_service_cost" value={v.service_cost} money /> <small>({formatNumber(v.contacts)} {t('crm_contacts')})</small></dd>
          <dt>{t('crm_contribution')}</dt>
          <dd><strong><Fig name="value_contribution_margin" value={v.contribution_margin} money /></strong></dd>
        </dl>
      )}
    </section>
  )
}

function ContactLine({ x, zone }: { x: Contact; zone: string }) {
  return (
    <>
      <time dateTime={x.ts}>{when(x.ts, zone)}</time> — {t(('crm_kind_' + x.kind) as Key) ?? x.kind}, {x.channel}
      {x.direction && ` (${x.direction})`}
      {x.subject && `: ${x.subject}`}
      {x.outcome && ` → ${x.outcome}`}
    </>
  )
}

const CHANNELS = ['phone', 'email', 'chat', 'store', 'letter', 'ticket'] as const
const KINDS = ['service', 'complaint', 'sales', 'campaign'] as const

function Service({ c, zone, siteKey, onAdded }: { c: View; zone: string; siteKey: string; onAdded: () => void }) {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [form, setForm] = useState({ channel: 'phone', direction: 'inbound', kind: 'service', subject: '', outcome: '' })
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const contact = { contact_id: 'dash-' + crypto.randomUUID(), customer_id: c.customer_id, ts: new Date().toISOString(), ...form }
      const r = await api.send<{ rejected_total: number; rejected: { row: number; errors: { field: string; message: string }[] }[] }>(
        'POST', `/api/crm/contacts?site=${encodeURIComponent(siteKey)}`, [contact])
      if (r.rejected_total > 0) {
        const errors = r.rejected.flatMap((x) => x.errors)
        setError(Object.assign(new Error(errors.map((x) => `${x.field}: ${x.message}`).join('; ')), {}))
      } else {
        setOpen(false)
        setForm({ ...form, subject: '', outcome: '' })
        onAdded()
      }
    } catch (x) {
      setError(x)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="service-title">
      <h2 id="service-title">{t('crm_service')}</h2>
      <h3>
        {t('crm_openComplaints')} (<Fig name="open_complaints" value={c.open_complaints.length} />)
      </h3>
      {c.open_complaints.length === 0 ? (
        <p>{t('crm_none')}</p>
      ) : (
        <ul>
          {c.open_complaints.map((x) => (
            <li key={x.contact_id}>
              <ContactLine x={x} zone={zone} />
            </li>
          ))}
        </ul>
      )}
      <h3>{t('crm_lastContact')}</h3>
      <p data-fig="last_contact" data-value={c.last_service_contact?.contact_id ?? ''}>
        {c.last_service_contact ? <ContactLine x={c.last_service_contact} zone={zone} /> : t('crm_none')}
      </p>
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          {t('crm_addContact')}
        </button>
      ) : (
        <form class="contact-form" onSubmit={submit}>
          <label>
            <span>{t('crm_channel')}</span>
            <select value={form.channel} onChange={set('channel')}>
              {CHANNELS.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </label>
          <label>
            <span>{t('crm_direction')}</span>
            <select value={form.direction} onChange={set('direction')}>
              <option value="inbound">{t('crm_inbound')}</option>
              <option value="outbound">{t('crm_outbound')}</option>
            </select>
          </label>
          <label>
            <span>{t('crm_kind')}</span>
            <select value={form.kind} onChange={set('kind')}>
              {KINDS.map((x) => <option key={x} value={x}>{t(('crm_kind_' + x) as Key)}</option>)}
            </select>
          </label>
          <label>
            <span>{t('crm_subject')}</span>
            <input value={form.subject} onInput={set('subject')} />
          </label>
          <label>
            <span>{t('crm_outcome')}</span>
            <input value={form.outcome} onInput={set('outcome')} />
          </label>
          {error != null && <Problem error={error} />}
          <div>
            <button type="submit" class="primary" disabled={busy}>{t('crm_save')}</button>{' '}
            <button type="button" onClick={() => setOpen(false)}>{t('crm_cancel')}</button>
          </div>
        </form>
      )}
    </section>
  )
}

function Recommendations({ c }: { c: View }) {
  const r = c.recommendations
  return (
    <section class="card" aria-labelledby="reco-title">
      <h2 id="reco-title">{t('crm_recommendations')}</h2>
      <h3>{t('crm_crossSell')}</h3>
      {!r || r.cross_sell.length === 0 ? (
        <p>{t('crm_none')}</p>
      ) : (
        <table data-dimension="cross_sell">
          <thead>
            <tr>
              <th scope="col">{t('crm_product')}</th>
              <th scope="col" class="num">{t('crm_expectedLift')}</th>
              <th scope="col">{t('crm_because')}</th>
            </tr>
          </thead>
          <tbody>
            {r.cross_sell.map((x) => (
              <tr key={x.sku}>
                <th scope="row">{x.sku}</th>
                <td class="num">{formatDecimal(x.expected_lift, 4)}</td>
                <td>{x.because.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('crm_upSell')}</h3>
      {!r || r.up_sell.length === 0 ? (
        <p>{t('crm_none')}</p>
      ) : (
        <ul>
          {r.up_sell.map((x) => (
            <li key={x.viewed + x.sku}>
              {x.viewed} ({formatMoney(x.viewed_price)}) → <strong>{x.sku}</strong> ({formatMoney(x.price)}), {x.category}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function Journey({ phases, zone }: { phases: JourneyPhase[]; zone: string }) {
  const touch = (p: Touchpoint) =>
    p.type === 'session'
      ? `${t('crm_visit')}: ${p.channel}${p.source ? ' (' + p.source + ')' : ''}${p.campaign ? ' · ' + p.campaign : ''}`
      : `${t('crm_contact')}: ${t(('crm_kind_' + p.kind) as Key) ?? p.kind}, ${p.channel}`
  return (
    <section class="card" aria-labelledby="journey-title">
      <h2 id="journey-title">{t('crm_journey')}</h2>
      {phases.length === 0 ? (
        <p>{t('crm_none')}</p>
      ) : (
        <ol class="journey">
          {phases.map((ph, i) => (
            <li key={i} class={`phase phase-${ph.phase}`} data-phase={ph.phase} data-order={ph.order_id ?? ''}>
              <h3>
                {t(('crm_phase_' + ph.phase) as Key)}
                {ph.order_id && (
                  <small>
                    {' '}
                    {t('crm_order')} {ph.order_id}
                    {ph.order_ts && `, ${when(ph.order_ts, zone)}`}
                  </small>
                )}
              </h3>
              {ph.touchpoints.length === 0 ? (
                <p class="muted">{t('crm_noTouchpoint')}</p>
              ) : (
                <ul>
                  {ph.touchpoints.map((p, j) => (
                    <li key={j}>
                      <time dateTime={p.ts}>{when(p.ts, zone)}</time> {touch(p)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

/** Every order of the customer, newest first (`order_history`): the CRM's figures where it has them. */
function Orders({ c, zone }: { c: View; zone: string }) {
  return (
    <section class="card" aria-labelledby="orders-title">
      <h2 id="orders-title">{t('crm_orderHistory')}</h2>
      {c.order_history.length === 0 ? (
        <p>{t('crm_none')}</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_orderHistory')}>
          <table data-dimension="order_history">
            <thead>
              <tr>
                <th scope="col">{t('crm_order')}</th>
                <th scope="col">{t('crm_orderTime')}</th>
                <th scope="col" class="num">{t('crm_revenue')}</th>
                <th scope="col" class="num">{t('crm_costOfGoods')}</th>
                <th scope="col">{t('crm_orderSource')}</th>
              </tr>
            </thead>
            <tbody>
              {c.order_history.map((o) => (
                <tr key={o.order_id} data-order={o.order_id} data-revenue={o.revenue}>
                  <th scope="row">
                    {o.order_id}
                    {o.returned ? ` (${t('crm_returned')})` : ''}
                  </th>
                  <td>{when(o.ts, zone)}</td>
                  <td class="num">{formatMoney(o.revenue)} {o.currency}</td>
                  <td class="num">{o.cost_of_goods == null ? '–' : formatMoney(o.cost_of_goods)}</td>
                  <td>{o.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function Surveys({ c, zone }: { c: View; zone: string }) {
  if (c.survey_answers.length === 0) return null
  return (
    <section class="card" aria-labelledby="answers-title">
      <h2 id="answers-title">{t('crm_surveyAnswers')}</h2>
      <ul>
        {c.survey_answers.map((a) => (
          <li key={a.event_id}>
            <time dateTime={a.ts}>{when(a.ts, zone)}</time>{' '}
            {a.type === 'rating' ? (
              <>
                {t('crm_rating')} {a.subject}: <strong>{'★'.repeat(a.stars ?? 0)}</strong> <span class="visually-hidden">{a.stars}/5</span>
              </>
            ) : (
              <>
                {a.survey} / {a.question}: <strong>{a.score ?? a.choice}</strong>
                {a.text && <> <q>{a.text}</q></>}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

function TimelineText({ item }: { item: TimelineItem }) {
  if (item.kind === 'order')
    return (
      <span>
        <strong>{t('crm_order')} {item.order_id}</strong>: {formatMoney(item.revenue ?? 0)} {item.currency}
        {item.returned ? ` (${t('crm_returned')})` : ''} <small>{item.order_source}</small>
      </span>
    )
  if (item.kind === 'contact')
    return (
      <span>
        <strong>{t('crm_contact')}</strong>: {t(('crm_kind_' + item.contact_kind) as Key) ?? item.contact_kind}, {item.channel}
        {item.subject ? `: ${item.subject}` : ''}
        {item.outcome ? ` → ${item.outcome}` : ''}
      </span>
    )
  return (
    <span>
      {item.type}
      {item.name ? ` ${item.name}` : ''} {item.path}
      {item.type === 'purchase' && item.order_id ? ` (${item.order_id}, ${formatMoney(item.revenue ?? 0)} ${item.currency ?? ''})` : ''}
    </span>
  )
}
