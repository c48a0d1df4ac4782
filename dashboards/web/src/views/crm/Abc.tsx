// /abc: the A/B/C classes of the range (GET /api/reports/abc): customers, revenue and revenue share per class, as
// bars and as a table, and the thresholds the ranking used.
import { formatDate, formatPercent, lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import type { ViewProps } from '../registry'
import { Answer, Chart, Fig, useAnswer } from './common'
import type { AbcAnswer } from './types'

export function Abc({ site, state }: ViewProps) {
  useSignal(lang)
  const loaded = useAnswer<AbcAnswer>('/api/reports/abc?' + reportQuery(state))
  return (
    <div class="crm">
      <h1>
        {t('crm_abc')} <small>{site.name}</small>
      </h1>
      <Answer loaded={loaded}>
        {(a) => {
          const customers = a.classes.some((c) => c.customers > 0)
          return (
            <>
              <p class="range-text">
                {formatDate(a.from, site.time_zone)} – {formatDate(new Date(Date.parse(a.to) - 1).toISOString(), site.time_zone)}
              </p>
              <p data-thresholds={`${a.thresholds.a} ${a.thresholds.b}`}>
                {t('crm_abcRule').replace('{a}', formatPercent(a.thresholds.a)).replace('{b}', formatPercent(a.thresholds.b))}
              </p>
              {!customers ? (
                <p class="empty">{t('crm_noOrders')}</p>
              ) : (
                <section class="card chart" aria-labelledby="abc-chart">
                  <h2 id="abc-chart">{t('crm_abcChart')}</h2>
                  <Chart
                    title={t('crm_abcChart')}
                    spec={{
                      kind: 'bar',
                      labels: a.classes.map((c) => c.class),
                      series: [
                        { name: t('crm_revenue'), values: a.classes.map((c) => c.revenue) },
                        { name: t('crm_customers'), values: a.classes.map((c) => c.customers), axis: 1 },
                      ],
                    }}
                    table={<p>{t('crm_abcTableBelow')}</p>}
                  />
                </section>
              )}
              <section class="card" aria-labelledby="abc-table">
                <h2 id="abc-table">{t('crm_classes')}</h2>
                <table data-dimension="abc">
                  <thead>
                    <tr>
                      <th scope="col">{t('crm_class')}</th>
                      <th scope="col" class="num">{t('crm_customers')}</th>
                      <th scope="col" class="num">{t('crm_revenue')}</th>
                      <th scope="col" class="num">{t('crm_revenueShare')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.classes.map((c) => (
                      <tr key={c.class} data-class={c.class}>
                        <th scope="row">
                          <span class={`badge class-${c.class}`}>{c.class}</span>
                        </th>
                        <td class="num" data-col="customers"><Fig value={c.customers} /></td>
                        <td class="num" data-col="revenue"><Fig value={c.revenue} money /></td>
                        <td class="num" data-col="share"><span data-value={String(c.share)}>{formatPercent(c.share)}</span></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          )
        }}
      </Answer>
    </div>
  )
}
