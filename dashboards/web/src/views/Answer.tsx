import type { ComponentChildren } from 'preact'
import { lang, t } from '../i18n'
import type { Loaded } from '../load'
import { useSignal } from '../signal'
import { Problem } from './Problem'

/**
 * A loaded answer as a view shows it: the problem (with "Try again"), the loading note, the empty note when `empty`
 * says there is nothing to show, or the content.
 */
export function Answer<T>({ loaded, empty, emptyText, children }: {
  loaded: Loaded<T>
  empty?: (data: T) => boolean
  emptyText?: string
  children: (data: T) => ComponentChildren
}) {
  useSignal(lang)
  if (loaded.error != null) return <Problem error={loaded.error} onRetry={loaded.reload} />
  if (loaded.data === null) return <p class="loading" aria-busy="true" role="status">{t('loading')}</p>
  if (empty?.(loaded.data)) return <p class="empty-note">{emptyText}</p>
  return <>{children(loaded.data)}</>
}
