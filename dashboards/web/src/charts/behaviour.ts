// The charts of the behaviour views (journeys' attribution, forms' drop-off), in their own chunk: imported with
// import() where drawn, with only the ECharts parts they use.
import { BarChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { mount } from './mount'

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export interface BarSpec {
  /** The categories (channels, fields), top to bottom. */
  labels: string[]
  series: { name: string; values: number[]; color: string }[]
  /** Formats a value for the tooltip. */
  format?: (v: number) => string
  /** Formats the value axis' ticks (shorter: no decimals); else `format`. */
  axisFormat?: (v: number) => string
  /** Counts: ticks on whole numbers only. */
  integer?: boolean
}

/** Horizontal bars, grouped per category when there are several series; answers the function that disposes the chart. */
export function drawBars(el: HTMLElement, spec: BarSpec): () => void {
  const format = spec.format ?? ((v: number) => String(v))
  return mount(el, {
    animation: false,
    grid: { left: 8, right: 24, top: spec.series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => format(Number(v)) },
    legend: { show: spec.series.length > 1, top: 0 },
    xAxis: { type: 'value', minInterval: spec.integer ? 1 : undefined, axisLabel: { formatter: (v: number) => (spec.axisFormat ?? format)(v), hideOverlap: true } },
    yAxis: { type: 'category', data: spec.labels, inverse: true, axisLabel: { width: 140, overflow: 'truncate' } },
    series: spec.series.map((s) => ({ name: s.name, type: 'bar', data: s.values, itemStyle: { color: s.color } })),
  })
}
