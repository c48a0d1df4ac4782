import { useEffect, useState } from 'preact/hooks'
import { api, type Me, type Site } from '../api'
import { lang, t, type Key } from '../i18n'
import { navigate, route } from '../router'
import { useSignal } from '../signal'
import { parseState, serializeState, type ViewState } from '../state'
import { FilterBar } from './FilterBar'
import { LangSwitch } from './LangSwitch'
import { Problem } from './Problem'
import { RangePicker } from './RangePicker'
import { findView, GROUPS, homeFor, mayOpen, VIEWS } from './registry'

/** The signed-in app: header (site, range, language, user), the filters, and the view of the path. */
export function Shell({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  useSignal(lang)
  const loc = useSignal(route)
  const state = parseState(loc.search)
  const [sites, setSites] = useState<Site[] | null>(null)
  const [error, setError] = useState<unknown>(null)

  const loadSites = () => {
    setError(null)
    api.get<Site[]>('/api/sites').then(setSites, setError)
  }
  useEffect(loadSites, [])

  // The state changes by replacing the URL's query: reload and share keep it, Back goes to the state before.
  const update = (next: ViewState) => navigate(loc.path + serializeState(next)) // the view's own parameters are in next.params

  // No site chosen (or one that is not the user's): the first of the user's sites.
  useEffect(() => {
    if (sites && sites.length && !sites.some((s) => s.key === state.site))
      navigate(loc.path + serializeState({ ...state, site: sites[0].key }), { replace: true })
  }, [sites, state.site])

  // Another view gets the shared state (site, range, filters), not this view's own parameters.
  const shared = serializeState({ ...state, params: undefined })
  const site = sites?.find((s) => s.key === state.site)
  const view = findView(loc.path)
  const home = homeFor(me.role)
  const signOut = async () => {
    try {
      await api.send('POST', '/api/auth/signout')
    } finally {
      onSignedOut()
    }
  }

  return (
    <>
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="top">
        <strong class="brand">{t('app')}</strong>
        <nav aria-label={t('app')}>
          {GROUPS.map((g) => {
            const views = VIEWS.filter((v) => v.group === g && mayOpen(v, me.role))
            return views.length === 0 ? null : (
              <ul key={g} aria-label={t(('nav_' + g) as Key)}>
                {views.map((v) => (
                  <li key={v.path}>
                    <a href={v.path + shared} aria-current={view === v ? 'page' : undefined}
                      onClick={(e) => {
                        e.preventDefault()
                        navigate(v.path + shared)
                      }}>
                      {t(v.label)}
                    </a>
                  </li>
                ))}
              </ul>
            )
          })}
        </nav>
        {sites && sites.length > 0 && (
          <label>
            <span>{t('site')}</span>
            <select aria-label={t('site')} value={state.site} onChange={(e) => update({ ...state, site: (e.target as HTMLSelectElement).value, filters: [] })}>
              {sites.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <RangePicker state={state} onChange={update} />
        <span class="spacer" />
        <LangSwitch />
        <span class="user" title={me.role}>{me.name}</span>
        <button type="button" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <FilterBar state={state} onChange={update} />
      <main id="main" tabIndex={-1}>
        {error != null ? (
          <Problem error={error} onRetry={loadSites} />
        ) : sites === null ? (
          <p aria-busy="true">{t('loading')}</p>
        ) : sites.length === 0 ? (
          <p>{t('noSites')}</p>
        ) : !site ? (
          <p aria-busy="true">{t('loading')}</p>
        ) : view && mayOpen(view, me.role) ? (
          <view.component site={site} sites={sites} me={me} path={loc.path} state={state} onChange={update} />
        ) : (
          <p role="alert">
            {t(view ? 'forbidden' : 'notFound')} <a href={home + shared}>{t(findView(home)?.label ?? 'overview')}</a>
          </p>
        )}
      </main>
    </>
  )
}
