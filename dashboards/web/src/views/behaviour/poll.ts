// Polling that stops when nobody looks: while the tab is hidden it waits, and on unmount it ends.

export interface PollTarget {
  hidden(): boolean
  onVisibility(fn: () => void): () => void
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(id: unknown): void
}

const browser: PollTarget = {
  hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
  onVisibility(fn) {
    document.addEventListener('visibilitychange', fn)
    return () => document.removeEventListener('visibilitychange', fn)
  },
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
}

/**
 * Runs `tick` now and then every `ms` after the previous tick finished (never two at once), only while the page is
 * visible: hidden, the next tick waits until it is shown again (and runs at once then). Answers the stop function.
 */
export function poll(tick: () => Promise<unknown>, ms: number, target: PollTarget = browser): () => void {
  let stopped = false
  let running = false
  let timer: unknown = null
  const schedule = () => {
    if (stopped || target.hidden()) return
    timer = target.setTimeout(run, ms)
  }
  const run = async () => {
    timer = null
    if (stopped || running || target.hidden()) return
    running = true
    try {
      await tick()
    } catch {
      // the tick reports its own errors; polling goes on
    } finally {
      running = false
    }
    schedule()
  }
  const off = target.onVisibility(() => {
    if (target.hidden()) {
      if (timer != null) target.clearTimeout(timer)
      timer = null
    } else if (timer == null && !running) run()
  })
  run()
  return () => {
    stopped = true
    if (timer != null) target.clearTimeout(timer)
    off()
  }
}
