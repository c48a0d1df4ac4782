import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { lang, t } from '../../i18n'
import { useSignal } from '../../signal'

/**
 * A chart of this area, drawn by the lazily loaded src/charts/traffic.ts, with its numbers as a table in a
 * `<details>` under it (the table alternative for screen readers and keyboards), unless the view shows that table anyway.
 */
export function Chart({ option, label, height = 300, children }: { option: object; label: string; height?: number; children?: ComponentChildren }) {
  const l = useSignal(lang)
  const el = useRef<HTMLDivElement>(null)
  const [ready, setReady] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)

  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    import('../../charts/traffic')
      .then(({ draw }) => {
        if (disposed || !el.current) return
        dispose = draw(el.current, option)
        setReady(true)
      })
      .catch((e) => setFailed(String(e)))
    return () => {
      disposed = true
      dispose()
    }
  }, [option, l])

  return (
    <div class="traffic-chart">
      <div ref={el} class="plot" style={{ height: `${height}px` }} role="img" aria-label={label} />
      {!ready && !failed && <p class="loading">{t('chartLoading')}</p>}
      {failed && <p class="problem">{failed}</p>}
      {children && (
        <details>
          <summary>{t('chartAsTable')}</summary>
          {children}
        </details>
      )}
    </div>
  )
}
