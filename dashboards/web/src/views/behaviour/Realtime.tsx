import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { Problem } from '../Problem'
import { Scroll } from './Scroll'
import type { ViewProps } from '../registry'
import { poll } from './poll'
import type { Realtime as RealtimeData, RecentEvent } from './types'

/** How often the view asks again (ms). */
export const REFRESH_MS = 5000
const RECENT = 20

interface Live {
  report: RealtimeData
  events: RecentEvent[]
  at: Date
}

/**
 * Realtime: the persons of the last 5 minutes, the top pages and sources now, and the newest stored events (how a new
 * site verifies that its snippet works). Refreshed every few seconds while the tab is visible; leaving the view stops it.
 */
export function Realtime({ site, state }: ViewProps) {
  useSignal(lang)
  const [live, setLive] = useState<Live | null>(null)
  const [error, setError] = useState<unknown>(null)
  const query = reportQuery({ site: state.site, filters: state.filters }) // the window is the last 5 minutes: no range

  useEffect(() => {
    setLive(null)
    setError(null)
    let abort = new AbortController()
    const stop = poll(async () => {
      abort = new AbortController()
      try {
        const [report, events] = await Promise.all([
          api.get<RealtimeData>('/api/reports/realtime?' + query, abort.signal),
          api.get<RecentEvent[]>(`/api/events/recent?site=${encodeURIComponent(site.key)}&limit=${RECENT}`, abort.signal),
        ])
        setLive({ report, events, at: new Date() })
        setError(null)
      } catch (e) {
        if (!abort.signal.aborted) setError(e)
      }
    }, REFRESH_MS)
    return () => {
      stop()
      abort.abort()
    }
  }, [query, site.key])

  const r = live?.report
  return (
    <div class="behaviour realtime">
      <h1>
        {t('realtime')} <small>{site.name}</small>
      </h1>
      <p class="intro">
        {t('realtimeIntro')}{' '}
        {live && <span class="updated">{`${t('updatedAt')} ${formatDate(live.at.toISOString(), site.time_zone, { timeStyle: 'medium' })}`}</span>}
      </p>
      {error != null && <Problem error={error} />}
      {!live ? (
        error == null && <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : (
        <>
          <dl class="kpis">
            <div class="kpi">
              <dt>{t('personsNow')}</dt>
              <dd data-kpi="persons" data-value={String(r!.persons)}>{formatNumber(r!.persons)}</dd>
            </div>
            <div class="kpi">
              <dt>{t('pageviewsNow')}</dt>
              <dd data-kpi="pageviews" data-value={String(r!.pageviews)}>{formatNumber(r!.pageviews)}</dd>
            </div>
          </dl>
          <div class="tables">
            <Top id="rt-pages" title={t('pagesNow')} dimension="page" head={t('page')} rows={r!.pages.map((p) => [p.path, p.persons])} />
            <Top id="rt-sources" title={t('sourcesNow')} dimension="source" head={t('source')} rows={r!.sources.map((s) => [s.source, s.persons])} />
          </div>
          <section class="card" aria-labelledby="recent-title">
            <h2 id="recent-title">{t('recentEvents')}</h2>
            <p class="hint">{t('recentHint')}</p>
            {live.events.length === 0 ? (
              <div class="empty">
                <p>{t('recentEmpty')}</p>
                <pre>
                  <code>{site.snippet}</code>
                </pre>
                <p>
                  {t('emptyDemo')} <a href="/demo/">/demo/</a>
                </p>
              </div>
            ) : (
              <Scroll label={t('recentEvents')}>
                <table class="recent" data-dimension="event">
                  <thead>
                    <tr>
                      <th scope="col">{t('time')}</th>
                      <th scope="col">{t('eventType')}</th>
                      <th scope="col">{t('page')}</th>
                      <th scope="col">{t('source')}</th>
                      <th scope="col">{t('countryDevice')}</th>
                    </tr>
                  </thead>
                  <tbody aria-live="polite">
                    {live.events.map((e) => (
                      <tr key={e.event_id} data-value={e.event_id}>
                        <td>{formatDate(new Date(Number(e.ts_ms)).toISOString(), site.time_zone, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                        <td>{e.type}{e.name ? `: ${e.name}` : ''}</td>
                        <td>{e.path}</td>
                        <td>{e.source || '–'}</td>
                        <td>{[e.country, e.device, e.browser].filter(Boolean).join(' · ') || '–'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Scroll>
            )}
          </section>
        </>
      )}
    </div>
  )
}

function Top({ id, title, dimension, head, rows }: { id: string; title: string; dimension: string; head: string; rows: [string, number][] }) {
  return (
    <section class="card top-table" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {rows.length === 0 ? (
        <p>{t('nobodyNow')}</p>
      ) : (
        <table data-dimension={dimension}>
          <thead>
            <tr>
              <th scope="col">{head}</th>
              <th scope="col" class="num">{t('persons')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([value, persons]) => (
              <tr key={value} data-value={value}>
                <th scope="row">{value}</th>
                <td class="num" data-value={String(persons)}>{formatNumber(persons)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
