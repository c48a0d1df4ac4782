// The ECharts part of the app, in its own chunk (imported with import() where a chart is drawn):
// only the pieces the charts use, so the chunk stays small too.
import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { mount } from './charts/mount'

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export interface SeriesSpec {
  labels: string[]
  series: { name: string; values: number[]; dashed?: boolean }[]
}

/** Draws lines into el; answers the function that disposes the chart. */
export function drawSeries(el: HTMLElement, spec: SeriesSpec): () => void {
  return mount(el, {
    animation: false,
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: spec.labels, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: spec.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      data: s.values,
      showSymbol: spec.labels.length < 40,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      color: i === 0 ? '#1f5fbf' : '#8a8f98',
      areaStyle: i === 0 ? { opacity: 0.08 } : undefined,
    })),
  })
}
