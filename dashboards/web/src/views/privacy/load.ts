// What the privacy and admin views share: loading one or more answers of the API with a retry, and the views' own
// state in the URL next to the shell's (site, range, filters), so that a view can be reloaded and shared.
import { useEffect, useState } from 'preact/hooks'
import { serializeState, type ViewState } from '../../state'

export interface Loaded<T> {
  data: T | null
  error: unknown
  /** Loads again (after a change, or on "Try again"). */
  reload: () => void
}

/** Runs `load` whenever `key` changes (or on reload); an earlier load still running is aborted. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    const abort = new AbortController()
    setError(null)
    load(abort.signal).then(
      (d) => abort.signal.aborted || setData(d),
      (e) => abort.signal.aborted || setError(e),
    )
    return () => abort.abort()
  }, [key, attempt])
  return { data, error, reload: () => setAttempt((a) => a + 1) }
}

/** The view's own parameters of a query string (those named), empty ones left out. */
export function ownParams<K extends string>(search: string, names: readonly K[]): Partial<Record<K, string>> {
  const q = new URLSearchParams(search)
  const out: Partial<Record<K, string>> = {}
  for (const n of names) {
    const v = q.get(n)
    if (v) out[n] = v
  }
  return out
}

/** A URL of `path` with the shell's state and the view's own parameters (undefined or empty ones left out). */
export function viewUrl(path: string, state: ViewState, own: Record<string, string | undefined> = {}): string {
  const base = serializeState(state)
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(own)) if (v) q.set(k, v)
  const extra = q.toString()
  return path + (extra ? (base ? base + '&' : '?') + extra : base)
}

/** A whole number from the URL within [min, max], else the fallback. */
export function intParam(value: string | undefined, fallback: number, min: number, max: number): number {
  if (!value || !/^\d+$/.test(value)) return fallback
  const n = Number(value)
  return n >= min && n <= max ? n : fallback
}

/** The last segment of a path under a view's path: `/privacy/requests/abc` → `abc`; none for the view itself. */
export function subPath(path: string, viewPath: string): string | undefined {
  if (!path.startsWith(viewPath + '/')) return undefined
  const rest = path.slice(viewPath.length + 1).replace(/\/+$/, '')
  return rest ? decodeURIComponent(rest) : undefined
}
