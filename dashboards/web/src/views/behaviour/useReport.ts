import { useEffect, useState } from 'preact/hooks'
import { api } from '../../api'

export interface Loaded<T> {
  data: T | null
  error: unknown
  retry: () => void
}

/** GETs `url` whenever it (or `version`) changes; the earlier request is aborted. Null while loading. */
export function useReport<T>(url: string, version = 0): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    const abort = new AbortController()
    setData(null)
    setError(null)
    api.get<T>(url, abort.signal).then(
      (d) => abort.signal.aborted || setData(d),
      (e) => abort.signal.aborted || setError(e),
    )
    return () => abort.abort()
  }, [url, version, attempt])
  return { data, error, retry: () => setAttempt(attempt + 1) }
}
