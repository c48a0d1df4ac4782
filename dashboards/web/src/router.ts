// The client routes (the service answers each with index.html): the path picks the view, the query holds its
// state (state.ts), history keeps Back working.
import { signal } from './signal'

export interface Location {
  path: string
  search: string
  hash: string
}

// Outside a browser (vitest's node environment, importing a view): the root, no listener.
const browser = typeof location !== 'undefined'
const read = (): Location => (browser ? { path: location.pathname, search: location.search, hash: location.hash } : { path: '/', search: '', hash: '' })

export const route = signal<Location>(read())

export function navigate(url: string, { replace = false } = {}) {
  const target = new URL(url, location.href)
  if (target.pathname + target.search + target.hash === location.pathname + location.search + location.hash) return
  history[replace ? 'replaceState' : 'pushState'](null, '', target.pathname + target.search + target.hash)
  route.set(read())
}

if (browser) addEventListener('popstate', () => route.set(read()))
