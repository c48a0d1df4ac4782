// Users (/admin/users): every user with role, state and tokens, a form for a new one; each user's page
// (/admin/users/ID): role, site membership, an invitation link, a one-time sign-in link, API tokens (each shown
// once) and deactivation, as the users API allows.
import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatDate, formatNumber, lang, t, type Key } from '../../i18n'
import { navigate } from '../../router'
import { useSignal } from '../../signal'
import { Problem } from '../Problem'
import { Answer } from '../Answer'
import type { ViewProps } from '../registry'
import { subPath, useLoad, viewUrl } from '../privacy/load'
import { CopyValue } from './Copy'
import { ROLES, type CreatedUser, type IssuedToken, type Link, type Member, type SiteRecord, type User } from './types'

export const USERS_PATH = '/admin/users'
const userUrl = (id: string, state: ViewProps['state']) => viewUrl(`${USERS_PATH}/${encodeURIComponent(id)}`, state)

export function Users(props: ViewProps) {
  useSignal(lang)
  const id = subPath(props.path, USERS_PATH)
  return id ? <UserDetail {...props} userId={id} /> : <UserList {...props} />
}

/** A state change of the users API: busy while it runs, its problem if it fails. */
function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await fn()
    } catch (e) {
      setError(e)
      return undefined
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run }
}

const roleName = (r: string) => t(`ad_role_${r}` as Key) ?? r

function UserList({ state, site }: ViewProps) {
  const list = useLoad((signal) => api.get<User[]>('/api/users', signal), 'users')
  const [created, setCreated] = useState<CreatedUser | null>(null)
  return (
    <div class="admin">
      <h1>{t('ad_users')}</h1>
      <NewUser onCreated={(u) => {
        setCreated(u)
        list.reload()
      }} />
      {created && (
        <section class="card created" aria-labelledby="created-title">
          <h2 id="created-title">{t('ad_userCreated')}: {created.name}</h2>
          <CopyValue id="created-token" label={t('ad_apiToken')} value={created.token} once />
          <p>
            <a href={userUrl(created.id, state)} onClick={(e) => {
              e.preventDefault()
              navigate(userUrl(created.id, state))
            }}>{t('ad_inviteNext')}</a>
          </p>
        </section>
      )}
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">{t('ad_userList')}</h2>
        <Answer loaded={list}>
          {(data) => (
            <div class="scroll">
              <table class="users" data-count={data.length}>
                <thead>
                  <tr>
                    <th scope="col">{t('ad_name')}</th>
                    <th scope="col">{t('ad_role')}</th>
                    <th scope="col">{t('ad_state')}</th>
                    <th scope="col" class="num">{t('ad_tokens')}</th>
                    <th scope="col">{t('ad_created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((u) => (
                    <tr key={u.id} data-user={u.id} class={u.deactivated ? 'inactive' : ''}>
                      <th scope="row">
                        <a href={userUrl(u.id, state)} onClick={(e) => {
                          e.preventDefault()
                          navigate(userUrl(u.id, state))
                        }}>{u.name || u.id}</a>
                      </th>
                      <td data-role={u.role}>{roleName(u.role)}</td>
                      <td>{u.deactivated ? t('ad_deactivated') : t('ad_active')}</td>
                      <td class="num" data-tokens={u.tokens.length}>{formatNumber(u.tokens.length)}</td>
                      <td>{formatDate(u.created_at, site.time_zone)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Answer>
      </section>
    </div>
  )
}

function NewUser({ onCreated }: { onCreated: (u: CreatedUser) => void }) {
  const [name, setName] = useState('')
  const [role, setRole] = useState('marketer')
  const action = useAction()
  const submit = async (e: Event) => {
    e.preventDefault()
    const u = await action.run(() => api.send<CreatedUser>('POST', '/api/users', { name: name.trim(), role }))
    if (u) {
      setName('')
      onCreated(u)
    }
  }
  return (
    <details class="card new-user">
      <summary>{t('ad_newUser')}</summary>
      <form class="form-grid" onSubmit={submit}>
        <label>
          <span>{t('ad_name')}</span>
          <input name="name" required maxLength={100} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('ad_role')}</span>
          <select name="role" aria-label={t('ad_role')} value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
          </select>
        </label>
        {action.error != null && <Problem error={action.error} />}
        <div>
          <button type="submit" class="primary" disabled={action.busy}>{t('ad_createUser')}</button>
        </div>
      </form>
    </details>
  )
}

interface UserData {
  user: User | undefined
  sites: SiteRecord[]
  /** The keys of the sites the user is a member of. */
  memberOf: Set<string>
}

function UserDetail({ state, site, userId }: ViewProps & { userId: string }) {
  const data = useLoad(async (signal): Promise<UserData> => {
    const [users, sites] = await Promise.all([api.get<User[]>('/api/users', signal), api.get<SiteRecord[]>('/api/sites', signal)])
    const members = await Promise.all(sites.map((s) => api.get<Member[]>(`/api/sites/${encodeURIComponent(s.key)}/members`, signal)))
    return { user: users.find((u) => u.id === userId), sites, memberOf: new Set(sites.filter((_, i) => members[i].some((m) => m.user_id === userId)).map((s) => s.key)) }
  }, userId)
  const action = useAction()
  const [link, setLink] = useState<{ kind: 'invitation' | 'signin'; link: Link } | null>(null)
  const [token, setToken] = useState<IssuedToken | null>(null)
  const [login, setLogin] = useState('')

  const back = (
    <p>
      <a href={viewUrl(USERS_PATH, state)} onClick={(e) => {
        e.preventDefault()
        navigate(viewUrl(USERS_PATH, state))
      }}>← {t('ad_users')}</a>
    </p>
  )
  if (data.error != null) return <>{back}<Problem error={data.error} onRetry={data.reload} /></>
  if (!data.data) return <>{back}<p class="loading" role="status">{t('loading')}</p></>
  const u = data.data.user
  if (!u) return <>{back}<p role="alert">{t('ad_noSuchUser')}</p></>
  const base = `/api/users/${encodeURIComponent(u.id)}`
  const after = (p: Promise<unknown>) => action.run(() => p).then(data.reload)

  return (
    <div class="admin user-detail">
      {back}
      <h1>
        {u.name} <small><code>{u.id}</code></small>
      </h1>
      <p data-field="state">{u.deactivated ? t('ad_deactivated') : t('ad_active')}</p>
      {action.error != null && <Problem error={action.error} />}
      {!u.deactivated && (
        <>
          <section class="card" aria-labelledby="role-title">
            <h2 id="role-title">{t('ad_role')}</h2>
            <label>
              <span class="visually-hidden">{t('ad_role')}</span>
              <select name="role" aria-label={t('ad_role')} value={u.role} disabled={action.busy} data-role={u.role}
                onChange={(e) => after(api.send('PUT', `${base}/role`, { role: (e.target as HTMLSelectElement).value }))}>
                {ROLES.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
              </select>
            </label>
          </section>
          <section class="card" aria-labelledby="membership-title">
            <h2 id="membership-title">{t('ad_membership')}</h2>
            <p class="note">{t('ad_membershipHint')}</p>
            <ul class="checks">
              {data.data.sites.map((s) => {
                const member = data.data!.memberOf.has(s.key)
                const path = `/api/sites/${encodeURIComponent(s.key)}/members`
                return (
                  <li key={s.key}>
                    <label>
                      <input type="checkbox" checked={member} disabled={action.busy} data-member-of={s.key}
                        onChange={() => after(member ? api.send('DELETE', `${path}/${encodeURIComponent(u.id)}`) : api.send('POST', path, { user_id: u.id }))} />
                      {s.name} <small><code>{s.key}</code></small>
                    </label>
                  </li>
                )
              })}
            </ul>
          </section>
          <section class="card" aria-labelledby="links-title">
            <h2 id="links-title">{t('ad_signInLinks')}</h2>
            <form class="inline-form" onSubmit={async (e) => {
              e.preventDefault()
              const l = await action.run(() => api.send<Link>('POST', `${base}/invitation`, { login: login.trim() }))
              if (l) setLink({ kind: 'invitation', link: l })
            }}>
              <label>
                <span>{t('login')}</span>
                <input name="login" required minLength={3} maxLength={200} value={login} aria-describedby="login-hint"
                  onInput={(e) => setLogin((e.target as HTMLInputElement).value)} />
              </label>
              <button type="submit" disabled={action.busy}>{t('ad_invite')}</button>
            </form>
            <small id="login-hint">{t('ad_inviteHint')}</small>
            <p>
              <button type="button" disabled={action.busy} onClick={async () => {
                const l = await action.run(() => api.send<Link>('POST', `${base}/signin-link`))
                if (l) setLink({ kind: 'signin', link: l })
              }}>{t('ad_signInLink')}</button>
            </p>
            {link && (
              <>
                <CopyValue id="link" label={t(link.kind === 'invitation' ? 'ad_invitationLink' : 'ad_signInLinkLabel')} value={link.link.url} once />
                <p class="note">{t('ad_expires')} {formatDate(link.link.expires_at, site.time_zone, { dateStyle: 'medium', timeStyle: 'short' })}</p>
              </>
            )}
          </section>
        </>
      )}
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t('ad_tokens')} (<span data-tokens={u.tokens.length}>{formatNumber(u.tokens.length)}</span>)</h2>
        {token && <CopyValue id="token" label={t('ad_apiToken')} value={token.token} once />}
        {u.tokens.length > 0 && (
          <ul class="tokens">
            {u.tokens.map((x) => (
              <li key={x.token_id}>
                <code>{x.token_id}</code> · {formatDate(x.created_at, site.time_zone, { dateStyle: 'medium', timeStyle: 'short' })}{' '}
                <button type="button" disabled={action.busy} onClick={() => confirm(t('ad_confirmRevoke')) && after(api.send('DELETE', `/api/users/tokens/${encodeURIComponent(x.token_id)}`))}>
                  {t('ad_revoke')} <span class="visually-hidden">{x.token_id}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {!u.deactivated && (
          <button type="button" disabled={action.busy} onClick={async () => {
            const tk = await action.run(() => api.send<IssuedToken>('POST', `${base}/tokens`))
            if (tk) {
              setToken(tk)
              data.reload()
            }
          }}>{t('ad_issueToken')}</button>
        )}
      </section>
      {!u.deactivated && (
        <section class="card danger" aria-labelledby="deactivate-title">
          <h2 id="deactivate-title">{t('ad_deactivate')}</h2>
          <p>{t('ad_deactivateHint')}</p>
          <button type="button" disabled={action.busy} onClick={() => confirm(t('ad_confirmDeactivate')) && after(api.send('DELETE', base))}>
            {t('ad_deactivate')}
          </button>
        </section>
      )}
    </div>
  )
}
