// Retention per site (/privacy/retention): each of the user's sites with its retention_days and retention_last_run,
// as GET /api/sites/{key} answers them.
import { api } from '../../api'
import { formatDate, formatNumber, lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { Answer } from '../Answer'
import type { ViewProps } from '../registry'
import { useLoad } from './load'
import type { SiteRecord } from './types'

export function Retention({ sites }: ViewProps) {
  useSignal(lang)
  const keys = sites.map((s) => s.key)
  const records = useLoad(
    (signal) => Promise.all(keys.map((k) => api.get<SiteRecord>(`/api/sites/${encodeURIComponent(k)}`, signal))),
    keys.join(','),
  )
  return (
    <div class="privacy">
      <h1>{t('pv_retention')}</h1>
      <p>{t('pv_retentionIntro')}</p>
      <Answer loaded={records}>
        {(data) => (
          <section class="card">
            <div class="scroll">
              <table class="retention">
                <thead>
                  <tr>
                    <th scope="col">{t('site')}</th>
                    <th scope="col" class="num">{t('pv_retentionDays')}</th>
                    <th scope="col">{t('pv_lastRun')}</th>
                    <th scope="col">{t('pv_timeZone')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((s) => (
                    <tr key={s.key} data-site={s.key}>
                      <th scope="row">
                        {s.name} <small><code>{s.key}</code></small>
                      </th>
                      <td class="num" data-retention-days={s.retention_days}>{formatNumber(s.retention_days)}</td>
                      <td data-last-run={s.retention_last_run ?? ''}>
                        {s.retention_last_run ? formatDate(s.retention_last_run, s.time_zone, { dateStyle: 'medium', timeStyle: 'short' }) : t('pv_neverRun')}
                      </td>
                      <td>{s.time_zone}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )}
      </Answer>
    </div>
  )
}
