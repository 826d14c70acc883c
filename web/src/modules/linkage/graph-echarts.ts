import { GraphChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only the graph series, so the graph page does not bring in the dashboard's maps.
echarts.use([GraphChart, LegendComponent, TooltipComponent, CanvasRenderer]);

export { echarts };
export type GraphChartInstance = ReturnType<typeof echarts.init>;
export type GraphOption = Parameters<GraphChartInstance['setOption']>[0];
