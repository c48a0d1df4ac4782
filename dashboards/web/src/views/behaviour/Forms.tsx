import { formatNumber, formatPercent, lang, t } from '../../i18n'
import { navigate, route } from '../../router'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { Problem } from '../Problem'
import { Scroll } from './Scroll'
import type { ViewProps } from '../registry'
import { Bars } from './Bars'
import { formatSeconds } from './format'
import { param, viewUrl } from './params'
import type { FormRow, Forms as FormsData } from './types'
import { useReport } from './useReport'

/**
 * Forms: per form its starts, submits, abandonment and the median time to submit; for the chosen form (`form` in the
 * URL; else the first) per field its interactions, median time, and where abandoning visitors left (drop-off).
 */
export function Forms({ site, path, state }: ViewProps) {
  useSignal(lang)
  const chosen = param(useSignal(route).search, 'form')
  const { data, error, retry } = useReport<FormsData>('/api/reports/forms?' + reportQuery(state))
  const pick = (form: string) => navigate(viewUrl(path, state, { form }), { replace: true })
  const form = data?.forms.find((f) => f.form === chosen) ?? data?.forms[0]

  return (
    <div class="behaviour forms">
      <h1>
        {t('forms')} <small>{site.name}</small>
      </h1>
      <p class="intro">{t('formsIntro')}</p>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.forms.length === 0 ? (
        <p class="empty card">{t('formsEmpty')}</p>
      ) : (
        <>
          <section class="card" aria-labelledby="forms-title">
            <h2 id="forms-title">{t('formsTable')}</h2>
            <Scroll label={t('formsTable')}>
              <table data-dimension="form">
                <thead>
                  <tr>
                    <th scope="col">{t('form')}</th>
                    <th scope="col" class="num">{t('starts')}</th>
                    <th scope="col" class="num">{t('submits')}</th>
                    <th scope="col" class="num">{t('abandons')}</th>
                    <th scope="col" class="num">{t('abandonRate')}</th>
                    <th scope="col" class="num">{t('medianToSubmit')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.forms.map((f) => (
                    <tr key={f.form} data-value={f.form} aria-current={f === form ? 'true' : undefined}>
                      <th scope="row">
                        <button type="button" class="link" aria-pressed={f === form} title={t('showFields')} onClick={() => pick(f.form)}>
                          {f.form}
                        </button>
                      </th>
                      <td class="num" data-key="starts" data-value={String(f.starts)}>{formatNumber(f.starts)}</td>
                      <td class="num" data-key="submits" data-value={String(f.submits)}>{formatNumber(f.submits)}</td>
                      <td class="num" data-key="abandons" data-value={String(f.abandons)}>{formatNumber(f.abandons)}</td>
                      <td class="num" data-key="abandon_rate" data-value={String(f.abandon_rate)}>{formatPercent(f.abandon_rate)}</td>
                      <td class="num" data-key="median_seconds_to_submit" data-value={String(f.median_seconds_to_submit)}>
                        {formatSeconds(f.median_seconds_to_submit)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          </section>
          {form && <Fields form={form} />}
        </>
      )}
    </div>
  )
}

function Fields({ form }: { form: FormRow }) {
  const title = `${t('fieldsOf')} ${form.form}`
  const spec = {
    labels: form.fields.map((f) => f.field),
    series: [{ name: t('lastBeforeAbandon'), values: form.fields.map((f) => f.last_before_abandon), color: '#b42318' }],
    format: (v: number) => formatNumber(v),
    integer: true,
  }
  const table = (
    <Scroll label={title}>
      <table data-dimension="field" data-form={form.form}>
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('field')}</th>
            <th scope="col" class="num">{t('interactions')}</th>
            <th scope="col" class="num">{t('medianTime')}</th>
            <th scope="col" class="num">{t('lastBeforeAbandon')}</th>
          </tr>
        </thead>
        <tbody>
          {form.fields.map((f) => (
            <tr key={f.field} data-value={f.field}>
              <th scope="row">{f.field}</th>
              <td class="num" data-key="interactions" data-value={String(f.interactions)}>{formatNumber(f.interactions)}</td>
              <td class="num" data-key="median_seconds" data-value={String(f.median_seconds)}>{formatSeconds(f.median_seconds)}</td>
              <td class="num" data-key="last_before_abandon" data-value={String(f.last_before_abandon)}>{formatNumber(f.last_before_abandon)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  )
  return (
    <section class="card" aria-labelledby="fields-title">
      <h2 id="fields-title">{title}</h2>
      <p class="hint">{t('dropOffHint')}</p>
      {form.fields.length === 0 ? (
        <p>{t('noFields')}</p>
      ) : (
        <Bars spec={spec} label={`${t('dropOff')}: ${form.form}`} open>
          {table}
        </Bars>
      )}
    </section>
  )
}
