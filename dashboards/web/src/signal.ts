// A tiny observable value with a Preact hook: the app's few globals (language, route) without a state library.
import { useEffect, useState } from 'preact/hooks'

export interface Signal<T> {
  get(): T
  set(value: T): void
  subscribe(fn: (value: T) => void): () => void
}

export function signal<T>(initial: T): Signal<T> {
  let value = initial
  const listeners = new Set<(value: T) => void>()
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return
      value = next
      for (const fn of [...listeners]) fn(value)
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
  }
}

export function useSignal<T>(s: Signal<T>): T {
  const [value, setValue] = useState(s.get())
  useEffect(() => {
    setValue(s.get())
    return s.subscribe(setValue)
  }, [s])
  return value
}
