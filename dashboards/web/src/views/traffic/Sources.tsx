import { useMemo } from 'preact/hooks'
import { api, type Breakdown } from '../../api'
import { lang, t, type Key } from '../../i18n'
import { useSignal } from '../../signal'
import { addFilter, reportQuery, withParams } from '../../state'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { Chart } from './Chart'
import { barOption, filterFor, pick, SOURCE_DIMENSIONS } from './model'
import { Choice, MetricsTable } from './Tables'
import { useAnswer } from './useAnswer'

/** Sources and campaigns: one breakdown at a time (`dimension` in the URL), as bars and as a table; a click on a
 *  value filters every view by it. */
export function Sources({ site, state, onChange }: ViewProps) {
  useSignal(lang)
  const dimension = pick(state, 'dimension', SOURCE_DIMENSIONS)
  const query = reportQuery(state, { dimension, limit: '20' })
  const { data, error, retry } = useAnswer(query, (signal) => api.get<Breakdown>('/api/reports/breakdown?' + query, signal))
  const filter = filterFor(dimension)
  const option = useMemo(() => (data ? barOption(data.rows, 'visitors') : null), [data])

  return (
    <div class="traffic">
      <h1>
        {t('tr_sources')} <small>{site.name}</small>
      </h1>
      <Choice label={t('dimension')} values={SOURCE_DIMENSIONS} value={dimension} text={(d) => t(('tr_dim_' + d) as Key)}
        onChange={(d) => onChange(withParams(state, { dimension: d }))} />
      <p class="hint">{t(filter ? 'tr_sourcesHintFilter' : 'tr_sourcesHintSession')}</p>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.rows.length === 0 ? (
        <p class="empty">{t(state.filters.length ? 'emptyFiltered' : 'noRows')}</p>
      ) : (
        <section class="card" aria-labelledby="sources-title">
          <h2 id="sources-title">{t(('tr_dim_' + dimension) as Key)}</h2>
          <Chart option={option!} label={`${t(('tr_dim_' + dimension) as Key)}: ${t('visitors')}. ${t('tr_tableBelow')}`} height={Math.max(160, data.rows.length * 26 + 40)} />
          <MetricsTable data={data} caption={t(('tr_dim_' + dimension) as Key)} pickTitle={t('filterBy')}
            onPick={filter ? (r) => onChange(addFilter(state, { dimension: filter, operator: 'is', value: r.value === '(none)' ? '' : r.value })) : undefined} />
        </section>
      )}
    </div>
  )
}
