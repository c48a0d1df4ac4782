// The charts of the customer and CRM views, in their own chunk (imported with import() where drawn): bars for the
// A/B/C classes, lines for the ratings over time. Only the ECharts parts these use.
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { mount } from './mount'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export interface ChartSpec {
  kind: 'bar' | 'line'
  labels: string[]
  series: { name: string; values: (number | null)[]; axis?: 0 | 1 }[]
  /** A fixed value axis (e.g. stars 1–5). */
  min?: number
  max?: number
}

const COLORS = ['#1f5fbf', '#b45309', '#1a7f37', '#7c3aed', '#b42318']

/** Draws the spec into el; answers the function that disposes the chart. */
export function draw(el: HTMLElement, spec: ChartSpec): () => void {
  const twoAxes = spec.series.some((s) => s.axis === 1)
  return mount(el, {
    animation: false,
    grid: { left: 56, right: twoAxes ? 56 : 16, top: 36, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: spec.labels },
    yAxis: twoAxes
      ? [{ type: 'value' }, { type: 'value', minInterval: 1 }]
      : { type: 'value', min: spec.min, max: spec.max },
    series: spec.series.map((s, i) => ({
      name: s.name,
      type: spec.kind,
      data: s.values,
      yAxisIndex: s.axis ?? 0,
      connectNulls: false,
      color: COLORS[i % COLORS.length],
    })),
  })
}
