// The traffic views' ECharts (bars, funnel, Sankey), in their own chunk: import('../../charts/traffic') where
// drawn. The options are built by the pure functions of views/traffic/model.ts; this only draws them.
import { BarChart, FunnelChart, SankeyChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, FunnelChart, SankeyChart, GridComponent, TooltipComponent, CanvasRenderer])

/** Draws an option into el; answers the function that disposes the chart. */
export function draw(el: HTMLElement, option: object): () => void {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'canvas' })
  chart.setOption(option as echarts.EChartsCoreOption, true)
  const resize = () => chart.resize()
  addEventListener('resize', resize)
  return () => {
    removeEventListener('resize', resize)
    chart.dispose()
  }
}
