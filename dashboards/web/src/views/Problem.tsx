import { ApiError } from '../api'
import { t } from '../i18n'

/** An error as the API described it: title, detail and each field at fault. */
export function Problem({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const e = error instanceof ApiError ? error : new ApiError(0, t('error'), error instanceof Error ? error.message : String(error))
  return (
    <div class="problem" role="alert">
      <strong>{e.title}</strong>
      {e.detail && <p>{e.detail}</p>}
      {e.errors.length > 0 && (
        <ul>
          {e.errors.map((f) => (
            <li key={f.field + f.message}>
              <code>{f.field}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  )
}
