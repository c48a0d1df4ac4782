// What every chart module shares: an ECharts instance in an element, redrawn on window resizes, disposed by the
// function it answers. Each module registers its own chart types (echarts.use) and builds its own options.
import * as echarts from 'echarts/core'

/** Draws an option into el; answers the function that disposes the chart. */
export function mount(el: HTMLElement, option: object): () => void {
  const chart = echarts.getInstanceByDom(el) ?? echarts.init(el, undefined, { renderer: 'canvas' })
  chart.setOption(option as echarts.EChartsCoreOption, true)
  const resize = () => chart.resize()
  addEventListener('resize', resize)
  return () => {
    removeEventListener('resize', resize)
    chart.dispose()
  }
}
