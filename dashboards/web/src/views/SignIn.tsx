import { useState } from 'preact/hooks'
import { api, type Me } from '../api'
import { lang, t } from '../i18n'
import { useSignal } from '../signal'
import { LangSwitch } from './LangSwitch'
import { Problem } from './Problem'

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  useSignal(lang)
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSignedIn(await api.send<Me>('POST', '/api/auth/signin', { login, password }, { anonymous: true }))
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }

  return (
    <main class="center">
      <form class="card auth" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signInTitle')}</h1>
        {error != null && <Problem error={error} />}
        <label>
          {t('login')}
          <input name="login" autocomplete="username" required value={login} onInput={(e) => setLogin((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('signingIn') : t('signIn')}
        </button>
        <LangSwitch />
      </form>
    </main>
  )
}
