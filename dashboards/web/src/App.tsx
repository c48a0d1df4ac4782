import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, type Me } from './api'
import { lang, t } from './i18n'
import { navigate, route } from './router'
import { useSignal } from './signal'
import { SignIn } from './views/SignIn'
import { Invite } from './views/Invite'
import { Shell } from './views/Shell'
import { Problem } from './views/Problem'
import { homeFor } from './views/registry'

// Who is signed in decides between the sign-in pages and the app; /api/me answers 401 to nobody.
export function App() {
  const loc = useSignal(route)
  const l = useSignal(lang)
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const [error, setError] = useState<ApiError | null>(null)

  useEffect(() => {
    document.documentElement.lang = l
  }, [l])

  const loadMe = () => {
    setError(null)
    api.get<Me>('/api/me').then(setMe, (e) => (e instanceof ApiError && e.status === 401 ? setMe(null) : setError(e)))
  }
  // Who is signed in, asked once (not on /invite, which signs in anew; not after signing out).
  useEffect(() => {
    if (route.get().path === '/invite') setMe(null)
    else loadMe()
  }, [])

  const signedIn = (user: Me) => {
    api.resetCsrf()
    setMe(user)
    const next = new URLSearchParams(location.search).get('next')
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(user.role), { replace: true })
  }

  if (loc.path === '/invite') return <Invite onSignedIn={signedIn} />
  if (error) return <main class="center"><Problem error={error} onRetry={loadMe} /></main>
  if (me === undefined) return <main class="center" aria-busy="true">{t('loading')}</main>
  if (me === null) {
    if (loc.path !== '/signin') {
      const next = loc.path === '/' ? '' : '?next=' + encodeURIComponent(loc.path + loc.search)
      navigate('/signin' + next, { replace: true })
    }
    return <SignIn onSignedIn={signedIn} />
  }
  if (loc.path === '/signin' || loc.path === '/') {
    navigate(homeFor(me.role) + (loc.path === '/' ? loc.search : ''), { replace: true })
    return null
  }
  return (
    <Shell
      me={me}
      onSignedOut={() => {
        api.resetCsrf()
        setMe(null)
        navigate('/signin', { replace: true })
      }}
    />
  )
}
