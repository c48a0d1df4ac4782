import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { lang, t } from '../../i18n'
import { useSignal } from '../../signal'
import type { BarSpec } from '../../charts/behaviour'

/**
 * A bar chart (ECharts, loaded on demand) over the table that holds the same numbers: the table is the accessible
 * form and the one the tests read; the chart is an image with a label.
 */
export function Bars({ spec, label, children, open = false }: { spec: BarSpec; label: string; children: ComponentChildren; open?: boolean }) {
  const l = useSignal(lang)
  const el = useRef<HTMLDivElement>(null)
  const [ready, setReady] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  const key = JSON.stringify([spec.labels, spec.series.map((s) => [s.name, s.values])])
  useEffect(() => {
    let disposed = false
    let dispose = () => {}
    import('../../charts/behaviour')
      .then(({ drawBars }) => {
        if (disposed || !el.current) return
        dispose = drawBars(el.current, spec)
        setReady(true)
      })
      .catch((e) => setFailed(String(e)))
    return () => {
      disposed = true
      dispose()
    }
  }, [key, l])
  const height = Math.max(120, spec.labels.length * (spec.series.length > 1 ? 54 : 30) + (spec.series.length > 1 ? 40 : 16))
  return (
    <>
      <div ref={el} class="plot bars" style={{ height: height + 'px' }} role="img" aria-label={label} />
      {!ready && !failed && <p class="loading">{t('chartLoading')}</p>}
      {failed && <p class="problem">{failed}</p>}
      <details open={open}>
        <summary>{t('chartAsTable')}</summary>
        {children}
      </details>
    </>
  )
}
