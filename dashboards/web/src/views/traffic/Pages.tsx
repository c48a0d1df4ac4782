import { api, type Breakdown } from '../../api'
import { lang, t, type Key } from '../../i18n'
import { navigate } from '../../router'
import { useSignal } from '../../signal'
import { addFilter, param, reportQuery, serializeState, withParams } from '../../state'
import { Problem } from '../Problem'
import type { ViewProps } from '../registry'
import { pick, PAGE_DIMENSIONS } from './model'
import { Choice, MetricsTable } from './Tables'
import { Transitions } from './Transitions'
import { useAnswer } from './useAnswer'

/** Pages, entry pages and exit pages (`dimension`), with their numbers; a click on a page opens its transitions
 *  (`page` in the URL), a second button filters every view by it. */
export function Pages({ site, state, onChange }: ViewProps) {
  useSignal(lang)
  const dimension = pick(state, 'dimension', PAGE_DIMENSIONS)
  const page = param(state, 'page')
  const query = reportQuery(state, { dimension, limit: '50' })
  const { data, error, retry } = useAnswer(query, (signal) => api.get<Breakdown>('/api/reports/breakdown?' + query, signal))
  const open = (path: string) => onChange(withParams(state, { page: path }))
  const paths = (path: string) => '/paths' + serializeState(withParams({ ...state, params: undefined }, { from_page: path }))

  return (
    <div class="traffic">
      <h1>
        {t('tr_pages')} <small>{site.name}</small>
      </h1>
      <Choice label={t('dimension')} values={PAGE_DIMENSIONS} value={dimension} text={(d) => t(('tr_dim_' + d) as Key)}
        onChange={(d) => onChange(withParams(state, { dimension: d }))} />
      <p class="hint">{t('tr_pagesHint')}</p>
      {page && (
        <>
          <Transitions state={state} page={page} onPage={open} />
          <p>
            <a href={paths(page)} onClick={(e) => (e.preventDefault(), navigate(paths(page)))}>{t('tr_pathsFrom')} {page}</a>
            {' · '}
            <button type="button" class="link" onClick={() => onChange(withParams(state, { page: undefined }))}>{t('tr_closeTransitions')}</button>
          </p>
        </>
      )}
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.rows.length === 0 ? (
        <p class="empty">{t(state.filters.length ? 'emptyFiltered' : 'noRows')}</p>
      ) : (
        <section class="card" aria-labelledby="pages-title">
          <h2 id="pages-title">{t(('tr_dim_' + dimension) as Key)}</h2>
          <MetricsTable data={data} caption={t(('tr_dim_' + dimension) as Key)} pickTitle={t('tr_transitionsOf')} onPick={(r) => open(r.value)}
            extra={(r) =>
              r.value === '(other)' ? null : (
                <button type="button" class="small" aria-label={`${t('filterBy')} ${r.value}`}
                  onClick={() => onChange(addFilter(state, { dimension: 'page', operator: 'is', value: r.value === '(none)' ? '' : r.value }))}>
                  {t('tr_filter')}
                </button>
              )
            } />
        </section>
      )}
    </div>
  )
}
