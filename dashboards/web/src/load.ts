// Loading one answer of the API in a view: the answer, the error, and a reload, for every area's views.
import { useEffect, useState } from 'preact/hooks'

export interface Loaded<T> {
  data: T | null
  error: unknown
  /** Loads again (after a change, or on "Try again"). */
  reload: () => void
}

/**
 * Runs `load` whenever `key` changes (null: nothing to load yet) or on reload; a load still running is aborted, and
 * its late answer is dropped. A new key drops the old answer (a loading state), unless `keep` (a page that polls keeps
 * showing the last answer while the next is read).
 */
export function useLoaded<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>, keep = false): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    if (!keep) setData(null)
    setError(null)
    if (key === null) return
    const abort = new AbortController()
    load(abort.signal).then(
      (d) => abort.signal.aborted || setData(d),
      (e) => abort.signal.aborted || setError(e),
    )
    return () => abort.abort()
  }, [key, attempt])
  return { data, error, reload: () => setAttempt((a) => a + 1) }
}
