import { lang, formatNumber, locale, t, type Key } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { Problem } from '../Problem'
import { Scroll } from './Scroll'
import type { ViewProps } from '../registry'
import { Bars } from './Bars'
import { channelLabel, formatAmount } from './format'
import { choice, MODELS, viewUrl, type Model } from './params'
import type { Attribution, Journeys as JourneysData } from './types'
import { useReport } from './useReport'

const COLORS: Record<Model, string> = { first_touch: '#1f5fbf', last_touch: '#b35900', linear: '#2e7d4f' }

/**
 * Journeys: the channel sequences leading to purchases, and the revenue each channel and campaign is given by
 * first-touch, last-touch and linear attribution (the model switch is kept in the URL as `model`).
 */
export function Journeys({ site, path, state }: ViewProps) {
  useSignal(lang)
  const model = choice(useSignal(route).search, 'model', MODELS)
  const { data, error, retry } = useReport<JourneysData>('/api/reports/journeys?' + reportQuery(state, { limit: '10' }))
  const setModel = (m: Model) => navigate(viewUrl(path, state, { model: m }, { model: MODELS[0] }), { replace: true })

  return (
    <div class="behaviour journeys">
      <h1>
        {t('journeys')} <small>{site.name}</small>
      </h1>
      <p class="intro">{t('journeysIntro')}</p>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : (
        <>
          <dl class="kpis">
            <div class="kpi">
              <dt>{t('conversions')}</dt>
              <dd data-kpi="conversions" data-value={String(data.conversions)}>{formatNumber(data.conversions)}</dd>
            </div>
            <div class="kpi">
              <dt>{t('revenue')}</dt>
              <dd data-kpi="revenue" data-value={String(data.revenue)}>{formatAmount(data.revenue)}</dd>
            </div>
          </dl>
          {data.conversions === 0 ? (
            <p class="empty card">{t('journeysEmpty')}</p>
          ) : (
            <>
              <fieldset class="switch">
                <legend>{t('attributionModel')}</legend>
                {MODELS.map((m) => (
                  <label key={m}>
                    <input type="radio" name="model" value={m} checked={m === model} onChange={() => setModel(m)} />
                    <span>{t(('model_' + m) as Key)}</span>
                  </label>
                ))}
              </fieldset>
              <p class="hint">{t(('modelHint_' + model) as Key)}</p>
              <AttributionCard id="by-channel" title={t('byChannel')} dimension="channel" model={model}
                rows={data.attribution.map((a) => ({ ...a, name: a.channel, label: channelLabel(a.channel) }))} />
              <AttributionCard id="by-campaign" title={t('byCampaign')} dimension="campaign" model={model}
                rows={data.campaigns.map((a) => ({ ...a, name: a.campaign, label: a.campaign }))} />
              <section class="card" aria-labelledby="sequences-title">
                <h2 id="sequences-title">{t('sequences')}</h2>
                <Scroll label={t('sequences')}>
                <table data-dimension="sequence">
                  <thead>
                    <tr>
                      <th scope="col">{t('channels')}</th>
                      <th scope="col" class="num">{t('conversions')}</th>
                      <th scope="col" class="num">{t('revenue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.sequences.map((s) => (
                      <tr key={s.channels.join('>')} data-value={s.channels.join(' > ')}>
                        <th scope="row">
                          <ol class="sequence">
                            {s.channels.map((c, i) => (
                              <li key={i}>{channelLabel(c)}</li>
                            ))}
                          </ol>
                        </th>
                        <td class="num" data-value={String(s.conversions)}>{formatNumber(s.conversions)}</td>
                        <td class="num" data-value={String(s.revenue)}>{formatAmount(s.revenue)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </Scroll>
              </section>
            </>
          )}
        </>
      )}
    </div>
  )
}

type Row = Attribution & { name: string; label: string }

/** One grouping (channels or campaigns): the grouped bars of the three models, and the table with the same numbers. */
function AttributionCard({ id, title, dimension, model, rows }: { id: string; title: string; dimension: string; model: Model; rows: Row[] }) {
  // The chosen model first and in its colour; the other two beside it, paler, for comparison.
  const order = [model, ...MODELS.filter((m) => m !== model)]
  const spec = {
    labels: rows.map((r) => r.label),
    series: order.map((m) => ({ name: t(('model_' + m) as Key), values: rows.map((r) => r[m]), color: m === model ? COLORS[m] : COLORS[m] + '66' })),
    format: (v: number) => formatAmount(v),
    axisFormat: (v: number) => new Intl.NumberFormat(locale(), { notation: 'compact', maximumFractionDigits: 1 }).format(v),
  }
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p>{t('noRows')}</p>
      ) : (
        <Bars spec={spec} label={`${title}: ${t(('model_' + model) as Key)}`}>
          <Scroll label={title}>
          <table data-dimension={dimension}>
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t(dimension === 'channel' ? 'channel' : 'campaign')}</th>
                {MODELS.map((m) => (
                  <th key={m} scope="col" class={m === model ? 'num chosen' : 'num'}>{t(('model_' + m) as Key)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-value={r.name}>
                  <th scope="row">{r.label}</th>
                  {MODELS.map((m) => (
                    <td key={m} class={m === model ? 'num chosen' : 'num'} data-model={m} data-value={String(r[m])}>{formatAmount(r[m])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          </Scroll>
        </Bars>
      )}
    </section>
  )
}
