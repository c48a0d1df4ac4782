import { useState } from 'preact/hooks'
import { api, type Me } from '../api'
import { lang, t } from '../i18n'
import { useSignal } from '../signal'
import { LangSwitch } from './LangSwitch'
import { Problem } from './Problem'

// /invite#token=…: the token stays in the fragment, so it never reaches a server log or a Referer.
export function Invite({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  useSignal(lang)
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''
  const [password, setPassword] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    if (password !== again) return setError(new Error(t('passwordsDiffer')))
    setBusy(true)
    setError(null)
    try {
      const me = await api.send<Me>('POST', '/api/auth/invitations/accept', { token, password }, { anonymous: true })
      history.replaceState(null, '', '/invite') // the spent token leaves the address bar
      onSignedIn(me)
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }

  return (
    <main class="center">
      <form class="card auth" onSubmit={submit} aria-labelledby="invite-title">
        <h1 id="invite-title">{t('invitationTitle')}</h1>
        {!token ? (
          <p role="alert">{t('invitationMissing')}</p>
        ) : (
          <>
            <p>{t('invitationIntro')}</p>
            {error != null && <Problem error={error} />}
            <label>
              {t('password')}
              <input name="password" type="password" autocomplete="new-password" required minLength={12} value={password}
                onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              {t('passwordAgain')}
              <input name="password-again" type="password" autocomplete="new-password" required value={again}
                onInput={(e) => setAgain((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('signingIn') : t('setPassword')}
            </button>
          </>
        )}
        <LangSwitch />
      </form>
    </main>
  )
}
