import { useState } from 'preact/hooks'
import { t, type Key } from '../i18n'
import { addFilter, FILTER_DIMENSIONS, OPERATORS, removeFilter, type Operator, type ViewState } from '../state'

/** The filters of the URL as removable chips, and a small form to add one. */
export function FilterBar({ state, onChange }: { state: ViewState; onChange: (s: ViewState) => void }) {
  const [dimension, setDimension] = useState<string>('page')
  const [operator, setOperator] = useState<Operator>('is')
  const [value, setValue] = useState('')

  return (
    <section class="filters" aria-label={t('filters')}>
      <ul class="chips">
        {state.filters.map((f, i) => (
          <li key={`${f.dimension}:${f.operator}:${f.value}`} class="chip">
            <span>
              {f.dimension} {t(`op_${f.operator}` as Key)} <strong>{f.value || '""'}</strong>
            </span>
            <button type="button" aria-label={`${t('removeFilter')}: ${f.dimension} ${t(`op_${f.operator}` as Key)} ${f.value}`}
              onClick={() => onChange(removeFilter(state, i))}>
              ×
            </button>
          </li>
        ))}
        {state.filters.length > 1 && (
          <li>
            <button type="button" class="link" onClick={() => onChange({ ...state, filters: [] })}>
              {t('clearFilters')}
            </button>
          </li>
        )}
      </ul>
      <details class="add-filter">
        <summary>{t('addFilter')}</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            onChange(addFilter(state, { dimension, operator, value: value.trim() }))
            setValue('')
          }}>
          <label>
            <span>{t('dimension')}</span>
            <select aria-label={t('dimension')} value={dimension} onChange={(e) => setDimension((e.target as HTMLSelectElement).value)}>
              {FILTER_DIMENSIONS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('operator')}</span>
            <select aria-label={t('operator')} value={operator} onChange={(e) => setOperator((e.target as HTMLSelectElement).value as Operator)}>
              {OPERATORS.map((o) => (
                <option key={o} value={o}>
                  {t(`op_${o}` as Key)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('value')}</span>
            <input name="value" aria-label={t('value')} value={value} onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">{t('addFilter')}</button>
        </form>
      </details>
    </section>
  )
}
