import { useLoaded } from '../../load'

/** One report's answer for a key (the query): null while loading, the error if it failed, and a retry. */
export function useAnswer<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>) {
  const loaded = useLoaded(key, load)
  return { data: loaded.data, error: loaded.error, retry: loaded.reload }
}
