// /value: GET /api/reports/value, the totals of the range and either one row per customer (sorted, paged) or one per
// A/B/C class, first-touch channel or campaign (group_by). The view's choice is in the URL.
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import type { ViewProps } from '../registry'
import { Answer, Fig, Pager, useAnswer } from './common'
import { customerPath, parseValue, VALUE_GROUPS, VALUE_PAGE_SIZE, VALUE_SORTS, valueParams, viewUrl, type ValueState } from './logic'
import type { ValueAnswer, ValueFigures } from './types'

const TOTALS: (keyof ValueFigures)[] = ['customers', 'new_customers', 'orders', 'revenue', 'margin', 'acquisition_cost', 'service_cost', 'contribution_margin']
const MONEY = new Set<string>(['revenue', 'cost_of_goods', 'margin', 'revenue_without_cost_of_goods', 'acquisition_cost', 'service_cost', 'contribution_margin'])
const label = (k: string) => t(('crm_v_' + k) as Key) ?? k

export function Value({ site, state }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const v = parseValue(loc.search)
  const loaded = useAnswer<ValueAnswer>('/api/reports/value?' + reportQuery(state, valueParams(v)))
  const go = (next: ValueState) =>
    navigate(viewUrl('/value', state, { group_by: next.groupBy === 'customer' ? undefined : next.groupBy, sort: next.sort === 'contribution_margin' ? undefined : next.sort, order: next.order, page: next.page }))

  return (
    <div class="crm">
      <h1>
        {t('crm_valueTitle')} <small>{site.name}</small>
      </h1>
      <form class="card crm-search" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>{t('crm_groupBy')}</span>
          <select name="group_by" value={v.groupBy} onChange={(e) => go({ ...v, groupBy: (e.target as HTMLSelectElement).value as ValueState['groupBy'], page: 1 })}>
            {VALUE_GROUPS.map((g) => <option key={g} value={g}>{t(('crm_by_' + g) as Key)}</option>)}
          </select>
        </label>
        {v.groupBy === 'customer' && (
          <>
            <label>
              <span>{t('crm_sortBy')}</span>
              <select name="sort" value={v.sort} onChange={(e) => go({ ...v, sort: (e.target as HTMLSelectElement).value, page: 1 })}>
                {VALUE_SORTS.map((s) => <option key={s} value={s}>{label(s)}</option>)}
              </select>
            </label>
            <label>
              <span>{t('crm_order_dir')}</span>
              <select name="order" value={v.order} onChange={(e) => go({ ...v, order: (e.target as HTMLSelectElement).value as ValueState['order'], page: 1 })}>
                <option value="">{t('crm_defaultOrder')}</option>
                <option value="desc">{t('crm_desc')}</option>
                <option value="asc">{t('crm_asc')}</option>
              </select>
            </label>
          </>
        )}
      </form>
      <Answer loaded={loaded}>
        {(a) => (
          <>
            <p class="range-text">
              {formatDate(a.from, site.time_zone)} – {formatDate(new Date(Date.parse(a.to) - 1).toISOString(), site.time_zone)}
            </p>
            <dl class="kpis">
              {TOTALS.map((k) => (
                <div class="kpi" key={k}>
                  <dt>{label(k)}</dt>
                  <dd data-kpi={k} data-value={String(a.totals[k])}>
                    <Fig value={a.totals[k]} money={MONEY.has(k)} />
                  </dd>
                </div>
              ))}
            </dl>
            {a.totals.revenue_without_cost_of_goods > 0 && (
              <p class="note">
                {t('crm_withoutCogs')} <Fig value={a.totals.revenue_without_cost_of_goods} money />
              </p>
            )}
            {a.groups && <Groups a={a} />}
            {a.customers && (
              <section class="card" aria-labelledby="value-customers">
                <h2 id="value-customers">{t('crm_perCustomer')}</h2>
                {a.customers.length === 0 ? (
                  <p class="empty">{t('crm_noValueRows')}</p>
                ) : (
                  <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                    <table data-dimension="value_customers">
                      <thead>
                        <tr>
                          <th scope="col">{t('crm_customer')}</th>
                          <th scope="col">{label('first_order')}</th>
                          <th scope="col">{t('crm_firstTouch')}</th>
                          <th scope="col" class="num">{label('orders')}</th>
                          <th scope="col" class="num">{label('revenue')}</th>
                          <th scope="col" class="num">{label('margin')}</th>
                          <th scope="col" class="num">{label('acquisition_cost')}</th>
                          <th scope="col" class="num">{label('service_cost')}</th>
                          <th scope="col" class="num">{label('contribution_margin')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {a.customers.map((c) => (
                          <tr key={c.customer_id} data-customer={c.customer_id}>
                            <th scope="row">
                              <a href={viewUrl(customerPath(c.customer_id), state, {})} onClick={(e) => (e.preventDefault(), navigate(viewUrl(customerPath(c.customer_id), state, {})))}>
                                {c.customer_id}
                              </a>
                            </th>
                            <td>{c.first_order ? formatDate(c.first_order, site.time_zone) : '–'}{c.acquired ? ` (${t('crm_new')})` : ''}</td>
                            <td>{c.channel || '–'}{c.campaign ? ' · ' + c.campaign : ''}</td>
                            <td class="num" data-col="orders"><Fig value={c.orders} /></td>
                            <td class="num" data-col="revenue"><Fig value={c.revenue} money /></td>
                            <td class="num" data-col="margin"><Fig value={c.margin} money /></td>
                            <td class="num" data-col="acquisition_cost"><Fig value={c.acquisition_cost} money /></td>
                            <td class="num" data-col="service_cost"><Fig value={c.service_cost} money /></td>
                            <td class="num" data-col="contribution_margin"><Fig value={c.contribution_margin} money /></td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <Pager page={a.page ?? 1} total={a.totals.customers} size={a.limit ?? VALUE_PAGE_SIZE} label={t('crm_perCustomer')} onPage={(page) => go({ ...v, page })} />
              </section>
            )}
          </>
        )}
      </Answer>
    </div>
  )
}

function Groups({ a }: { a: ValueAnswer }) {
  const by = a.group_by ?? 'class'
  return (
    <section class="card" aria-labelledby="value-groups">
      <h2 id="value-groups">{t(('crm_by_' + by) as Key)}</h2>
      {a.groups!.length === 0 ? (
        <p class="empty">{t('crm_noValueRows')}</p>
      ) : (
        <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
          <table data-dimension={'value_' + by}>
            <thead>
              <tr>
                <th scope="col">{t(('crm_by_' + by) as Key)}</th>
                <th scope="col" class="num">{label('customers')}</th>
                <th scope="col" class="num">{label('new_customers')}</th>
                <th scope="col" class="num">{label('revenue')}</th>
                <th scope="col" class="num">{label('margin')}</th>
                <th scope="col" class="num">{label('acquisition_cost')}</th>
                <th scope="col" class="num">{label('service_cost')}</th>
                <th scope="col" class="num">{label('contribution_margin')}</th>
                <th scope="col" class="num">{t('crm_cmPerCustomer')}</th>
                <th scope="col" class="num">{t('crm_cacPerNew')}</th>
              </tr>
            </thead>
            <tbody>
              {a.groups!.map((g) => {
                const name = by === 'class' ? g.class : by === 'channel' ? g.channel : `${g.channel} · ${g.campaign || t('crm_noCampaign')}`
                return (
                  <tr key={name} data-group={name}>
                    <th scope="row">{name || '(none)'}</th>
                    <td class="num" data-col="customers"><Fig value={g.figures.customers} /></td>
                    <td class="num"><Fig value={g.figures.new_customers} /></td>
                    <td class="num" data-col="revenue"><Fig value={g.figures.revenue} money /></td>
                    <td class="num"><Fig value={g.figures.margin} money /></td>
                    <td class="num"><Fig value={g.figures.acquisition_cost} money /></td>
                    <td class="num"><Fig value={g.figures.service_cost} money /></td>
                    <td class="num" data-col="contribution_margin"><Fig value={g.figures.contribution_margin} money /></td>
                    <td class="num"><Fig value={g.contribution_margin_per_customer} money /></td>
                    <td class="num"><Fig value={g.acquisition_cost_per_new_customer} money /></td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">{formatNumber(a.groups!.length)} {t('crm_rows')}</p>
    </section>
  )
}
