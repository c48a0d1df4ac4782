import { useState } from 'preact/hooks'
import { api } from '../../api'
import { formatNumber, formatPercent, lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import { reportQuery } from '../../state'
import { Problem } from '../Problem'
import { Scroll } from './Scroll'
import type { ViewProps } from '../registry'
import { formatAmount } from './format'
import type { Goal, Goals as GoalsData } from './types'
import { useReport } from './useReport'

/** The body of POST /api/sites/{key}/goals for the form's fields: a pageview goal has a path, an event goal a name. */
export function goalBody(name: string, type: 'pageview' | 'event', target: string) {
  return type === 'pageview' ? { name: name.trim(), type, path: target.trim() } : { name: name.trim(), type, event_name: target.trim() }
}

/**
 * Goals and revenue: the site's saved goals (GET /api/sites/{key}/goals) with their conversions in the range from the
 * goals report (persons, sessions, conversion rate), the orders, revenue and average order value; a form to add a goal
 * and a button to delete one. The list stands on its own, so goals can be managed while the report loads or fails.
 */
export function Goals({ site, state }: ViewProps) {
  useSignal(lang)
  const [version, setVersion] = useState(0)
  const list = useReport<Goal[]>(`/api/sites/${encodeURIComponent(site.key)}/goals`, version)
  const report = useReport<GoalsData>('/api/reports/goals?' + reportQuery(state), version)
  const [busy, setBusy] = useState<string | null>(null)
  const [actionError, setActionError] = useState<unknown>(null)
  const [notice, setNotice] = useState('')
  const data = report.data
  const numbers = (id: string) => data?.goals.find((g) => g.id === id)

  const remove = async (g: Goal) => {
    if (!confirm(`${t('deleteGoalConfirm')} ${g.name}`)) return
    setBusy(g.id)
    setActionError(null)
    try {
      await api.send('DELETE', `/api/sites/${encodeURIComponent(site.key)}/goals/${encodeURIComponent(g.id)}`)
      setNotice(`${t('goalDeleted')}: ${g.name}`)
      setVersion(version + 1)
    } catch (e) {
      setActionError(e)
    } finally {
      setBusy(null)
    }
  }

  const cell = (id: string, key: 'persons' | 'sessions' | 'conversion_rate') => {
    const n = numbers(id)
    if (!n) return <td class="num">{report.error != null ? '–' : '…'}</td>
    return (
      <td class="num" data-key={key} data-value={String(n[key])}>
        {key === 'conversion_rate' ? formatPercent(n[key]) : formatNumber(n[key])}
      </td>
    )
  }

  return (
    <div class="behaviour goals">
      <h1>
        {t('goals')} <small>{site.name}</small>
      </h1>
      <p class="intro">{t('goalsIntro')}</p>
      {report.error != null ? (
        <Problem error={report.error} onRetry={report.retry} />
      ) : !data ? (
        <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
      ) : (
        <dl class="kpis">
          {(['visitors', 'orders', 'revenue', 'average_order_value'] as const).map((k) => (
            <div key={k} class="kpi">
              <dt>{t(k === 'average_order_value' ? 'aov' : k)}</dt>
              <dd data-kpi={k} data-value={String(data[k])}>{k === 'visitors' || k === 'orders' ? formatNumber(data[k]) : formatAmount(data[k])}</dd>
            </div>
          ))}
        </dl>
      )}
      <section class="card" aria-labelledby="goals-title">
        <h2 id="goals-title">{t('savedGoals')}</h2>
        {list.error != null ? (
          <Problem error={list.error} onRetry={list.retry} />
        ) : !list.data ? (
          <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
        ) : list.data.length === 0 ? (
          <p>{t('goalsEmpty')}</p>
        ) : (
          <Scroll label={t('savedGoals')}>
            <table data-dimension="goal">
              <thead>
                <tr>
                  <th scope="col">{t('goalName')}</th>
                  <th scope="col">{t('goalTarget')}</th>
                  <th scope="col" class="num">{t('conversionsPersons')}</th>
                  <th scope="col" class="num">{t('sessions')}</th>
                  <th scope="col" class="num">{t('conversionRate')}</th>
                  <th scope="col"><span class="visually-hidden">{t('actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((g) => (
                  <tr key={g.id} data-value={g.name} data-id={g.id}>
                    <th scope="row">{g.name}</th>
                    <td>
                      {g.type === 'pageview' ? t('goalPageview') : t('goalEvent')} <code>{g.type === 'pageview' ? g.path : g.event_name}</code>
                    </td>
                    {cell(g.id, 'persons')}
                    {cell(g.id, 'sessions')}
                    {cell(g.id, 'conversion_rate')}
                    <td>
                      <button type="button" disabled={busy === g.id} aria-label={`${t('deleteGoal')}: ${g.name}`} onClick={() => remove(g)}>
                        {t('deleteGoal')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        {actionError != null && <Problem error={actionError} />}
        <p class="visually-hidden" role="status">{notice}</p>
      </section>
      <NewGoal siteKey={site.key} onCreated={(g) => {
        setNotice(`${t('goalCreated')}: ${g.name}`)
        setVersion(version + 1)
      }} />
    </div>
  )
}

function NewGoal({ siteKey, onCreated }: { siteKey: string; onCreated: (g: Goal) => void }) {
  const [name, setName] = useState('')
  const [type, setType] = useState<'pageview' | 'event'>('pageview')
  const [target, setTarget] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const goal = await api.send<Goal>('POST', `/api/sites/${encodeURIComponent(siteKey)}/goals`, goalBody(name, type, target))
      setName('')
      setTarget('')
      onCreated(goal)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card new-goal" aria-labelledby="new-goal-title">
      <h2 id="new-goal-title">{t('newGoal')}</h2>
      <form onSubmit={submit}>
        <label>
          <span>{t('goalName')}</span>
          <input name="goal-name" required maxLength={200} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('goalType')}</span>
          <select name="goal-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as 'pageview' | 'event')}>
            <option value="pageview">{t('goalPageview')}</option>
            <option value="event">{t('goalEvent')}</option>
          </select>
        </label>
        <label>
          <span>{type === 'pageview' ? t('goalPath') : t('goalEventName')}</span>
          <input name="goal-target" required value={target} placeholder={type === 'pageview' ? '/thanks, /blog/*' : 'signup, purchase'}
            onInput={(e) => setTarget((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>{t('addGoal')}</button>
      </form>
      <p class="hint">{t(type === 'pageview' ? 'goalPathHint' : 'goalEventHint')}</p>
      {error != null && <Problem error={error} />}
    </section>
  )
}
