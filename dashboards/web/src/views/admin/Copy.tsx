import { useState } from 'preact/hooks'
import { t } from '../../i18n'

/** A value to copy (a snippet, a link, a token): shown in full, with a button that copies it. */
export function CopyValue({ value, label, id, once }: { value: string; label: string; id: string; once?: boolean }) {
  const [copied, setCopied] = useState(false)
  return (
    <div class="copy-value">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <textarea id={id} readOnly rows={Math.min(4, Math.ceil(value.length / 80))} value={value} data-copy={id}
          onFocus={(e) => (e.target as HTMLTextAreaElement).select()} />
        <button type="button" onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? t('copied') : t('ad_copy')}
        </button>
      </div>
      {once && <p class="note" role="note">{t('ad_shownOnce')}</p>}
    </div>
  )
}
