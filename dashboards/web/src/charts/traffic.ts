// The traffic views' ECharts (bars, funnel, Sankey), in their own chunk: import('../../charts/traffic') where
// drawn. The options are built by the pure functions of views/traffic/model.ts; this only draws them.
import { BarChart, FunnelChart, SankeyChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { mount } from './mount'

echarts.use([BarChart, FunnelChart, SankeyChart, GridComponent, TooltipComponent, CanvasRenderer])

/** Draws an option into el; answers the function that disposes the chart. */
export const draw = mount
