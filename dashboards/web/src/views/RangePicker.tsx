import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n'
import { PRESETS, presetOf, presetRange, withRange, type Preset, type ViewState } from '../state'

/** A preset or two dates (the reports' `from`/`to`, `to` inclusive). */
export function RangePicker({ state, onChange }: { state: ViewState; onChange: (s: ViewState) => void }) {
  const today = new Date()
  const preset = presetOf(state, today) ?? 'custom'
  const [from, setFrom] = useState(state.from ?? '')
  const [to, setTo] = useState(state.to ?? '')
  useEffect(() => {
    setFrom(state.from ?? presetRange('30d', today).from)
    setTo(state.to ?? presetRange('30d', today).to)
  }, [state.from, state.to])

  const choose = (value: string) => {
    if (value === 'custom') return
    if (value === '30d') return onChange(withRange(state)) // the reports' default: a clean URL
    const r = presetRange(value as Preset, today)
    onChange(withRange(state, r.from, r.to))
  }

  return (
    <fieldset class="range">
      <legend class="visually-hidden">{t('range')}</legend>
      <label>
        <span class="visually-hidden">{t('range')}</span>
        <select aria-label={t('range')} value={preset} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`preset_${p}`)}
            </option>
          ))}
          <option value="custom" disabled={preset !== 'custom'}>
            {t('preset_custom')}
          </option>
        </select>
      </label>
      <form
        class="dates"
        onSubmit={(e) => {
          e.preventDefault()
          onChange(withRange(state, from, to))
        }}>
        <label>
          <span>{t('from')}</span>
          <input type="date" name="from" required value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('to')}</span>
          <input type="date" name="to" required value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t('apply')}</button>
      </form>
    </fieldset>
  )
}
