import { api } from '../../api'
import { formatNumber, t } from '../../i18n'
import { reportQuery, type ViewState } from '../../state'
import { Problem } from '../Problem'
import { isLabel } from './Tables'
import type { TransitionRow, TransitionsAnswer } from './types'
import { useAnswer } from './useAnswer'

/** A page's transitions: the pages before it (or the entrance) and after it (or the exit), by sessions. */
export function Transitions({ state, page, onPage }: { state: ViewState; page: string; onPage: (path: string) => void }) {
  const query = reportQuery(state, { page, limit: '20' })
  const { data, error, retry } = useAnswer(query, (signal) => api.get<TransitionsAnswer>('/api/reports/transitions?' + query, signal))
  return (
    <section class="card transitions" aria-labelledby="transitions-title">
      <h2 id="transitions-title">
        {t('tr_transitionsOf')} <code>{page}</code>
      </h2>
      {error != null ? (
        <Problem error={error} onRetry={retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : data.previous.length === 0 && data.next.length === 0 ? (
        <p class="empty">{t('tr_noTransitions')}</p>
      ) : (
        <div class="tables">
          <Side id="previous" title={t('tr_previousPages')} rows={data.previous} onPage={onPage} />
          <Side id="next" title={t('tr_nextPages')} rows={data.next} onPage={onPage} />
        </div>
      )}
    </section>
  )
}

function Side({ id, title, rows, onPage }: { id: string; title: string; rows: TransitionRow[]; onPage: (path: string) => void }) {
  return (
    <table data-transitions={id}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('tr_dim_page')}</th>
          <th scope="col" class="num">{t('sessions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path}>
            <th scope="row">
              {isLabel(r.path) ? (
                t(r.path === '(entrance)' ? 'tr_entrance' : r.path === '(exit)' ? 'tr_exit' : 'tr_other')
              ) : (
                <button type="button" class="link" title={`${t('tr_transitionsOf')} ${r.path}`} onClick={() => onPage(r.path)}>
                  {r.path}
                </button>
              )}
            </th>
            <td class="num" data-value={String(r.sessions)}>{formatNumber(r.sessions)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
