// /customers: the search and list of a site's customers (GET /api/customers); /customers/{id}: the 360-degree page
// (GET /api/customers/{id}, CustomerView.tsx). The list's state (q, class, segment, page) is in the URL.
import { useEffect, useState } from 'preact/hooks'
import { formatDate, formatNumber, lang, t } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import type { ViewProps } from '../registry'
import { Answer, Fig, Pager, useAnswer } from './common'
import { CustomerView } from './CustomerView'
import { CLASSES, customerIdOf, customerPath, customersQuery, parseCustomerList, viewUrl, type CustomerListState } from './logic'
import type { CustomerList } from './types'

const PAGE_SIZE = 50

export function Customers(props: ViewProps) {
  const id = customerIdOf(props.path)
  return id === null ? <CustomerListView {...props} /> : <CustomerView {...props} customerId={id} />
}

function CustomerListView({ site, state }: ViewProps) {
  useSignal(lang)
  const loc = useSignal(route)
  const list = parseCustomerList(loc.search)
  const loaded = useAnswer<CustomerList>('/api/customers?' + customersQuery(state, list, PAGE_SIZE))
  const go = (next: CustomerListState) => navigate(viewUrl('/customers', state, { q: next.q.trim(), class: next.class, segment: next.segment, page: next.page }))
  const [draft, setDraft] = useState(list)
  useEffect(() => setDraft(list), [loc.search])

  return (
    <div class="crm">
      <h1>
        {t('crm_customers')} <small>{site.name}</small>
      </h1>
      <form class="card crm-search" role="search" onSubmit={(e) => (e.preventDefault(), go({ ...draft, page: 1 }))}>
        <label>
          <span>{t('crm_search')}</span>
          <input type="search" name="q" value={draft.q} placeholder={t('crm_searchHint')} onInput={(e) => setDraft({ ...draft, q: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          <span>{t('crm_class')}</span>
          <select name="class" value={draft.class} onChange={(e) => setDraft({ ...draft, class: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('crm_any')}</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('crm_crmSegment')}</span>
          <input name="segment" value={draft.segment} onInput={(e) => setDraft({ ...draft, segment: (e.target as HTMLInputElement).value })} />
        </label>
        <button type="submit" class="primary">
          {t('crm_find')}
        </button>
      </form>
      <p class="muted">{t(state.from || state.to ? 'crm_classOfRange' : 'crm_classOf12Months')}</p>
      <Answer loaded={loaded}>
        {(data) => (
          <section class="card" aria-labelledby="customers-title">
            <h2 id="customers-title">
              <span data-fig="total" data-value={String(data.total)}>{formatNumber(data.total)}</span> {t('crm_customersFound')}
            </h2>
            {data.customers.length === 0 ? (
              <p class="empty">{t('crm_noCustomers')}</p>
            ) : (
              <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                <table data-dimension="customers">
                  <thead>
                    <tr>
                      <th scope="col">{t('crm_customer')}</th>
                      <th scope="col">{t('crm_email')}</th>
                      <th scope="col">{t('crm_class')}</th>
                      <th scope="col">{t('crm_crmSegment')}</th>
                      <th scope="col" class="num">{t('crm_revenue')}</th>
                      <th scope="col" class="num">{t('crm_orders')}</th>
                      <th scope="col">{t('crm_lastSeen')}</th>
                      <th scope="col" class="num">{t('crm_clvHistoric')}</th>
                      <th scope="col" class="num">{t('crm_clvPredicted')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.customers.map((c) => (
                      <tr key={c.customer_id} data-customer={c.customer_id}>
                        <th scope="row">
                          <a href={viewUrl(customerPath(c.customer_id), state, {})}
                            onClick={(e) => (e.preventDefault(), navigate(viewUrl(customerPath(c.customer_id), state, {})))}>
                            {c.name || c.customer_id}
                          </a>
                          {c.name && <small class="id"> {c.customer_id}</small>}
                        </th>
                        <td>{c.email}</td>
                        <td data-col="class">
                          <span class={`badge class-${c.class}`}>{c.class}</span>
                        </td>
                        <td>{c.segment || '–'}</td>
                        <td class="num" data-col="revenue"><Fig value={c.revenue} money /></td>
                        <td class="num" data-col="orders"><Fig value={c.orders} /></td>
                        <td>{c.last_seen ? formatDate(c.last_seen, site.time_zone) : '–'}</td>
                        <td class="num" data-col="clv_historic"><Fig value={c.clv_historic} money /></td>
                        <td class="num" data-col="clv_predicted"><Fig value={c.clv_predicted} money /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager page={data.page} total={data.total} size={data.page_size} label={t('crm_customers')} onPage={(page) => go({ ...list, page })} />
          </section>
        )}
      </Answer>
    </div>
  )
}

