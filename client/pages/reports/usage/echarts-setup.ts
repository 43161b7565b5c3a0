/*
 * The parts of ECharts the usage dashboard draws with, registered once. Imported only through a dynamic
 * import() from Chart.svelte, so ECharts is a chunk of its own that no other page downloads.
 */
import { init, use } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, MarkLineComponent, CanvasRenderer, SVGRenderer]);

export { init };
