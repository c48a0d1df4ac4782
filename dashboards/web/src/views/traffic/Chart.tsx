import type { ComponentChildren } from 'preact'
import { LazyChart } from '../LazyChart'

/**
 * A chart of this area, drawn by the lazily loaded src/charts/traffic.ts, with its numbers as a table in a
 * `<details>` under it (the table alternative for screen readers and keyboards), unless the view shows that table anyway.
 */
export function Chart({ option, label, height = 300, children }: { option: object; label: string; height?: number; children?: ComponentChildren }) {
  return (
    <div class="traffic-chart">
      <LazyChart load={() => import('../../charts/traffic').then((m) => m.draw)} spec={option} label={label} height={height}>
        {children}
      </LazyChart>
    </div>
  )
}
