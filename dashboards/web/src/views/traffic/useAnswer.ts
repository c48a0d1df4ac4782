import { useEffect, useState } from 'preact/hooks'

/** One report's answer for a key (the query): null while loading, the error if it failed, and a retry. */
export function useAnswer<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    setData(null)
    setError(null)
    if (key === null) return
    const abort = new AbortController()
    load(abort.signal).then(
      (d) => abort.signal.aborted || setData(d),
      (e) => abort.signal.aborted || setError(e),
    )
    return () => abort.abort()
  }, [key, attempt])
  return { data, error, retry: () => setAttempt((a) => a + 1) }
}
