import type { ComponentChildren } from 'preact'
import type { BarSpec } from '../../charts/behaviour'
import { LazyChart } from '../LazyChart'

/**
 * A bar chart (charts/behaviour.ts, loaded on demand) over the table that holds the same numbers: the table is the
 * accessible form and the one the tests read; the chart is an image with a label.
 */
export function Bars({ spec, label, children, open = false }: { spec: BarSpec; label: string; children: ComponentChildren; open?: boolean }) {
  const height = Math.max(120, spec.labels.length * (spec.series.length > 1 ? 54 : 30) + (spec.series.length > 1 ? 40 : 16))
  return (
    <LazyChart load={() => import('../../charts/behaviour').then((m) => m.drawBars)} spec={spec} label={label} height={height} open={open} class="bars">
      {children}
    </LazyChart>
  )
}
