// What the privacy and admin views share: loading one or more answers of the API with a retry, and the views' own
// state in the URL next to the shell's (site, range, filters), so that a view can be reloaded and shared.
import { useLoaded, type Loaded } from '../../load'

export type { Loaded }

/** Runs `load` whenever `key` changes (or on reload), keeping the last answer while the next is read (pages that poll). */
export const useLoad = <T,>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> => useLoaded(key, load, true)

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

/** A URL of `path` with the shell's state and the view's own parameters (state.ts). */
export { viewUrl } from '../../state'

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
