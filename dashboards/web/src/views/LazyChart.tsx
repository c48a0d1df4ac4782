import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { lang, t } from '../i18n'
import { useSignal } from '../signal'

/** Draws a chart into an element; answers the function that disposes it (src/charts/*.ts). */
export type Draw<S> = (el: HTMLElement, spec: S) => () => void

/**
 * A chart whose ECharts module is loaded on demand (`load` holds the `import()`, so each area's module stays its own
 * chunk), drawn again when its spec or the language changes, with its numbers as a table in a `<details>` under it:
 * the table alternative for screen readers and keyboards, and what the tests read. Without children the view shows
 * its table elsewhere.
 */
export function LazyChart<S>({ load, spec, label, height, open = false, class: className, children }: {
  load: () => Promise<Draw<S>>
  spec: S
  label: string
  height?: number
  open?: boolean
  class?: string
  children?: ComponentChildren
}) {
  const l = useSignal(lang)
  const el = useRef<HTMLDivElement>(null)
  const [ready, setReady] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  const key = JSON.stringify(spec)

  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    load()
      .then((draw) => {
        if (disposed || !el.current) return
        dispose = draw(el.current, spec)
        setReady(true)
      })
      .catch((e) => setFailed(String(e)))
    return () => {
      disposed = true
      dispose()
    }
  }, [key, l])

  return (
    <>
      <div ref={el} class={'plot' + (className ? ' ' + className : '')} style={height ? { height: height + 'px' } : undefined} role="img" aria-label={label} />
      {!ready && !failed && <p class="loading">{t('chartLoading')}</p>}
      {failed && <p class="problem">{failed}</p>}
      {children && (
        <details open={open}>
          <summary>{t('chartAsTable')}</summary>
          {children}
        </details>
      )}
    </>
  )
}
