import { useEffect, useRef, useState, type ReactNode } from 'react';
import { echarts } from './echarts.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

/** One chart with a table view beside it: the chart shows numbers on hover, the table shows them all. */
export function ChartPanel({ title, option, table, height = 320 }: { title: string; option: Option; table: ReactNode; height?: number }) {
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (view !== 'chart' || !element.current) return undefined;
    const chart = echarts.init(element.current);
    chart.setOption(option);
    const resize = (): void => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option, view]);
  return (
    <section className="panel chart-panel" aria-label={title}>
      <div className="section-header">
        <h2>{title}</h2>
        <div role="group" aria-label={`${title}: view`} className="actions">
          <button type="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')}>
            Chart
          </button>
          <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>
            Table
          </button>
        </div>
      </div>
      {/* Keys keep React from reusing the chart's element for the table, which dispose() would then empty. */}
      {view === 'chart' ? <div key="chart" ref={element} style={{ width: '100%', height }} role="img" aria-label={`${title} (the table view has the numbers)`} /> : <div key="table" className="table-wrap">{table}</div>}
    </section>
  );
}
