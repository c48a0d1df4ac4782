// /rfm: GET /api/reports/rfm as the 5 × 5 segment grid (R by FM, docs/crm-analytics.md), each cell shaded by its
// segment's customers, then the segments (customers, revenue), the customers per score, and the movement from the
// previous period of the same length.
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import type { ViewProps } from '../registry'
import { Answer, Fig, useAnswer } from './common'
import { RFM_GRID, shade } from './logic'
import type { RfmAnswer } from './types'

const seg = (s: string) => (s === 'none' ? t('crm_notScored') : t(('rfm_' + s) as Key) ?? s)

export function Rfm({ site, state }: ViewProps) {
  useSignal(lang)
  const loaded = useAnswer<RfmAnswer>('/api/reports/rfm?' + reportQuery(state))
  const day = (iso: string) => formatDate(iso, site.time_zone)
  const until = (iso: string) => day(new Date(Date.parse(iso) - 1).toISOString())
  return (
    <div class="crm">
      <h1>
        {t('crm_rfm')} <small>{site.name}</small>
      </h1>
      <Answer loaded={loaded}>
        {(a) => {
          const count = new Map(a.segments.map((s) => [s.segment, s.customers]))
          const max = Math.max(0, ...a.segments.map((s) => s.customers))
          return (
            <>
              <p class="range-text">
                {day(a.from)} – {until(a.to)}; {t('crm_previous')}: {day(a.previous_from)} – {until(a.previous_to)}
              </p>
              <dl class="kpis">
                <div class="kpi">
                  <dt>{t('crm_scoredCustomers')}</dt>
                  <dd data-kpi="customers" data-value={String(a.customers)}>{formatNumber(a.customers)}</dd>
                </div>
                <div class="kpi">
                  <dt>{t('crm_revenue')}</dt>
                  <dd data-kpi="revenue" data-value={String(a.revenue)}><Fig value={a.revenue} money /></dd>
                </div>
              </dl>
              <section class="card" aria-labelledby="rfm-grid">
                <h2 id="rfm-grid">{t('crm_rfmGrid')}</h2>
                <p class="muted">{t('crm_rfmGridHelp')}</p>
                <div class="scroll" tabIndex={0} role="region" aria-label={t('crm_scrollTable')}>
                  <table class="rfm-grid">
                    <thead>
                      <tr>
                        <th scope="col">R \ FM</th>
                        {[1, 2, 3, 4, 5].map((fm) => <th key={fm} scope="col" class="num">{fm}</th>)}
                      </tr>
                    </thead>
                    <tbody>
                      {RFM_GRID.map((row) => (
                        <tr key={row.r}>
                          <th scope="row">{row.r}</th>
                          {row.cells.map((s, i) => (
                            <td key={i} class={`cell shade-${shade(count.get(s) ?? 0, max)}`}>
                              <span class="seg">{seg(s)}</span>
                              <span class="n">{formatNumber(count.get(s) ?? 0)}</span>
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <div class="grid2">
                <section class="card" aria-labelledby="rfm-segments">
                  <h2 id="rfm-segments">{t('crm_segments')}</h2>
                  <table data-dimension="rfm_segments">
                    <thead>
                      <tr>
                        <th scope="col">{t('crm_rfmSegment')}</th>
                        <th scope="col" class="num">{t('crm_customers')}</th>
                        <th scope="col" class="num">{t('crm_revenue')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {a.segments.map((s) => (
                        <tr key={s.segment} data-segment={s.segment}>
                          <th scope="row">{seg(s.segment)}</th>
                          <td class="num" data-col="customers"><Fig value={s.customers} /></td>
                          <td class="num" data-col="revenue"><Fig value={s.revenue} money /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
                <section class="card" aria-labelledby="rfm-scores">
                  <h2 id="rfm-scores">{t('crm_scores')}</h2>
                  <table data-dimension="rfm_scores">
                    <thead>
                      <tr>
                        <th scope="col">{t('crm_score')}</th>
                        <th scope="col" class="num">{t('crm_recency')}</th>
                        <th scope="col" class="num">{t('crm_frequency')}</th>
                        <th scope="col" class="num">{t('crm_monetary')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {a.scores.map((s) => (
                        <tr key={s.score}>
                          <th scope="row">{s.score}</th>
                          <td class="num"><Fig value={s.recency} /></td>
                          <td class="num"><Fig value={s.frequency} /></td>
                          <td class="num"><Fig value={s.monetary} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              </div>
              <section class="card" aria-labelledby="rfm-movement">
                <h2 id="rfm-movement">{t('crm_movement')}</h2>
                {a.movement.length === 0 ? (
                  <p>{t('crm_none')}</p>
                ) : (
                  <table data-dimension="rfm_movement">
                    <thead>
                      <tr>
                        <th scope="col">{t('crm_fromSegment')}</th>
                        <th scope="col">{t('crm_toSegment')}</th>
                        <th scope="col" class="num">{t('crm_customers')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {a.movement.map((m) => (
                        <tr key={m.from_segment + '>' + m.to_segment}>
                          <th scope="row">{seg(m.from_segment)}</th>
                          <td>{seg(m.to_segment)}</td>
                          <td class="num"><Fig value={m.customers} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            </>
          )
        }}
      </Answer>
    </div>
  )
}
