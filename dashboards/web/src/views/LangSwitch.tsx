import { lang, LANGS, setLang, t, type Lang } from '../i18n'
import { useSignal } from '../signal'

export function LangSwitch() {
  const l = useSignal(lang)
  return (
    <label class="lang">
      <span>{t('language')}</span>
      <select aria-label={t('language')} value={l} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((x) => (
          <option key={x} value={x} lang={x}>
            {x === 'en' ? 'English' : 'Deutsch'}
          </option>
        ))}
      </select>
    </label>
  )
}
