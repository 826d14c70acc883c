import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/index.js';
import { echarts, type GraphChartInstance, type GraphOption } from './graph-echarts.js';
import { KIND_LABEL, type GraphEdge, type GraphNode } from './graph-api.js';
import { nodeLabel } from './graph-labels.js';


/**
 * The graph drawn by ECharts with a force layout: records as squares, values as circles coloured by
 * kind; a click on a node asks to expand it. The chart is handed up so the page can save it as PNG.
 */
export function GraphView({ nodes, edges, expanded, onExpand, onChart }: {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  expanded: ReadonlySet<string>;
  onExpand: (node: GraphNode) => void;
  onChart: (chart: GraphChartInstance | null) => void;
}) {
  const t = useT();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<GraphChartInstance | null>(null);
  const expand = useRef(onExpand);
  expand.current = onExpand;
  // The option waiting for the box to have a size (see below).
  const pending = useRef<GraphOption | null>(null);

  useEffect(() => {
    if (!element.current) return undefined;
    const target = element.current;
    const instance = echarts.init(target, undefined, { renderer: 'canvas' });
    chart.current = instance;
    onChart(instance);
    instance.on('click', (event) => {
      const node = (event.data as { node?: GraphNode } | undefined)?.node;
      if (node) expand.current(node);
    });
    // As the charts do (components/charts/chart.tsx): in a box of no size the graph's view cannot be
    // inverted and ECharts throws, so it is laid out and resized only while its box has a size.
    const resize = new ResizeObserver(() => {
      if (target.clientWidth === 0 || target.clientHeight === 0) return;
      instance.resize();
      if (pending.current) {
        instance.setOption(pending.current, { notMerge: true });
        pending.current = null;
      }
    });
    resize.observe(target);
    return () => {
      resize.disconnect();
      onChart(null);
      instance.dispose();
      chart.current = null;
    };
  }, [onChart]);

  useEffect(() => {
    const categories = [t('linkage.graph.records'), ...Object.values(KIND_LABEL).map((id) => t(id))];
    const kinds = Object.keys(KIND_LABEL);
    const option: GraphOption = {
      animation: false,
      tooltip: { formatter: (params: unknown) => (params as { data?: { tip?: string } }).data?.tip ?? '' },
      legend: { type: 'scroll', bottom: 0, data: categories.filter((_, index) => nodes.some((n) => (n.type === 'record' ? 0 : kinds.indexOf(n.kind) + 1) === index)) },
      series: [{
        type: 'graph',
        layout: 'force',
        roam: true,
        draggable: true,
        force: { repulsion: 220, edgeLength: [60, 140], gravity: 0.08 },
        categories: categories.map((name) => ({ name })),
        label: { show: true, position: 'right', fontSize: 11, width: 160, overflow: 'truncate' },
        lineStyle: { color: '#8a94a6', width: 1.2 },
        emphasis: { focus: 'adjacency' },
        data: nodes.map((node) => ({
          id: node.id,
          name: nodeLabel(node),
          node,
          tip: node.type === 'record' ? `${nodeLabel(node)} · ${node.owner} · TLP:${node.tlp}` : `${t(KIND_LABEL[node.kind])}: ${nodeLabel(node)}`,
          category: node.type === 'record' ? 0 : kinds.indexOf(node.kind) + 1,
          symbol: node.type === 'record' ? 'roundRect' : 'circle',
          symbolSize: node.type === 'record' ? 22 : 16,
          itemStyle: expanded.has(node.id) ? { borderColor: '#1d2433', borderWidth: 2 } : {},
        })),
        links: edges.map((edge) => ({ source: edge.source, target: edge.target, lineStyle: edge.relation === 'similar' ? { type: 'dashed' } : {} })),
      }],
    };
    const box = element.current;
    if (box && box.clientWidth > 0 && box.clientHeight > 0) {
      chart.current?.setOption(option, { notMerge: true });
      pending.current = null;
    } else {
      pending.current = option;
    }
  }, [nodes, edges, expanded, t]);

  return <div ref={element} className="linkage-graph-canvas" role="img" aria-label={t('linkage.graph.canvas', { nodes: nodes.length, edges: edges.length })} />;
}
