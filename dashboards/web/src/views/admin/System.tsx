// The installation (/admin/system): engine, database, version, and the GeoIP database with the attribution its
// licence requires, as GET /api/info reports it ("IP Geolocation by DB-IP" with its link while DB-IP Lite is in use).
import { api } from '../../api'
import { lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import { useLoad } from '../privacy/load'
import type { Info } from './types'

export function System() {
  useSignal(lang)
  const info = useLoad((signal) => api.get<Info>('/api/info', signal), 'info')
  if (info.error != null) return <Problem error={info.error} onRetry={info.reload} />
  const i = info.data
  if (!i) return <p class="loading" role="status">{t('loading')}</p>
  return (
    <div class="admin">
      <h1>{t('ad_system')}</h1>
      <section class="card" aria-labelledby="engine-title">
        <h2 id="engine-title">{t('ad_engine')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('ad_engine')}</dt>
            <dd data-field="engine">{i.engine}</dd>
          </div>
          <div>
            <dt>{t('ad_database')}</dt>
            <dd data-field="database">{i.database}</dd>
          </div>
          <div>
            <dt>{t('ad_version')}</dt>
            <dd data-field="version">{i.version ?? '–'}</dd>
          </div>
        </dl>
      </section>
      <section class="card" aria-labelledby="geoip-title">
        <h2 id="geoip-title">{t('ad_geoip')}</h2>
        {i.geoip.configured ? (
          <dl class="facts">
            <div>
              <dt>{t('ad_geoipType')}</dt>
              <dd data-field="geoip_type">{i.geoip.database_type ?? '–'}</dd>
            </div>
          </dl>
        ) : (
          <p data-field="geoip_configured" data-value="false">{t('ad_geoipNone')}</p>
        )}
        {i.geoip.attribution && (
          <p class="attribution" data-field="attribution">
            {i.geoip.attribution_url ? <a href={i.geoip.attribution_url} rel="noopener">{i.geoip.attribution}</a> : i.geoip.attribution}
          </p>
        )}
      </section>
    </div>
  )
}
