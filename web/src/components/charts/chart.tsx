import { useEffect, useRef, type ReactNode } from 'react';
import { echarts } from './echarts.js';
import { clampZoom, ZOOM_STEP, type MapView } from './map-view.js';
import { useT } from '../../i18n/index.js';
import { displayed, fileNameOf, isData, toCsv, type TableData, type TableValue } from './table-data.js';
import { download, pngOf } from './download.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];
type Chart = ReturnType<typeof echarts.init>;

interface Props {
  title: string;
  option: Option;
  /** The chart's numbers, shown under it and downloaded as CSV. */
  table: TableData;
  height?: number;
  /** The heading level of the title (3 inside a layer's section). */
  level?: 2 | 3;
  /** A map: the view that fits its data, which the fit button goes back to; adds zoom buttons. */
  fit?: MapView;
  /** A line under the title (a conversion date, a unit). */
  note?: ReactNode;
}

/** The zoom of a map chart's geo component as it is now (after the user's panning and zooming). */
function zoomOf(chart: Chart): number {
  const geo = (chart.getOption() as { geo?: { zoom?: number }[] }).geo;
  return geo?.[0]?.zoom ?? 1;
}

interface AxisModel {
  axis?: { type?: string; scale?: { getTicks(): { value: number }[] } };
}

/**
 * The tick values of a chart's value axis as drawn (ECharts keeps them in its model, which its types
 * call private), shown on the chart's element as `data-value-ticks` so a test can read what the
 * canvas draws; nothing when the chart has none.
 */
function valueTicks(chart: Chart): string | undefined {
  const model = (chart as unknown as { getModel?: () => { getComponent(type: string, index: number): AxisModel | undefined } }).getModel?.();
  for (const type of ['yAxis', 'xAxis']) {
    const axis = model?.getComponent(type, 0)?.axis;
    if (axis?.type === 'value' && axis.scale) return axis.scale.getTicks().map((tick) => tick.value).join(',');
  }
  return undefined;
}

/**
 * One chart with its table under it (numbers on hover in the chart, all of them in the table), and
 * downloads of the table as CSV and the chart as PNG; a map also pans, zooms and fits its data.
 */
export function ChartPanel({ title, option, table, height = 320, level = 2, fit, note }: Props) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | null>(null);
  useEffect(() => {
    if (!element.current) return undefined;
    const target = element.current;
    let instance: Chart | undefined;
    // ECharts lays a chart out in its box: in a box of no size (a page React hides while it loads
    // again, a folded section) a Sankey's view cannot be inverted and ECharts throws. The chart is
    // made, and resized, only while its box has a size.
    const sized = (): boolean => target.clientWidth > 0 && target.clientHeight > 0;
    const start = (): void => {
      const made = echarts.init(target);
      made.setOption(option);
      chart.current = made;
      made.on('finished', () => {
        const ticks = valueTicks(made);
        if (ticks !== undefined) target.setAttribute('data-value-ticks', ticks);
      });
      const showZoom = (): void => target.setAttribute('data-zoom', String(clampZoom(zoomOf(made))));
      if (fit) {
        showZoom();
        made.on('georoam', showZoom);
      }
      instance = made;
    };
    const fitBox = (): void => {
      if (!sized()) return;
      if (instance) instance.resize();
      else start();
    };
    fitBox();
    const observer = new ResizeObserver(fitBox);
    observer.observe(target);
    return () => {
      observer.disconnect();
      chart.current = null;
      instance?.dispose();
    };
  }, [option, fit]);

  const t = useT();
  const zoomTo = (view: Partial<MapView>): void => {
    const instance = chart.current;
    if (!instance || !element.current) return;
    instance.setOption({ geo: [view] });
    element.current.setAttribute('data-zoom', String(clampZoom(zoomOf(instance))));
  };
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className="panel chart-panel" aria-label={title}>
      <div className="section-header">
        <Heading>{title}</Heading>
        <div className="actions" role="group" aria-label={t('charts.downloads', { title })}>
          <button
            type="button"
            className="button-secondary"
            aria-label={t('charts.downloadCsv', { title })}
            onClick={() => download(fileNameOf(title, 'csv', t('charts.fileName')), new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }))}
          >
            {t('charts.csv')}
          </button>
          <button type="button" className="button-secondary" aria-label={t('charts.downloadPng', { title })} onClick={() => chart.current && download(fileNameOf(title, 'png', t('charts.fileName')), pngOf(chart.current))}>
            {t('charts.png')}
          </button>
        </div>
      </div>
      {note ? <p className="muted chart-note">{note}</p> : null}
      <div className="chart-frame">
        <div ref={element} className="chart" style={{ height }} role="img" aria-label={t('charts.chartLabel', { title })} />
        {fit ? (
          <div className="map-controls" role="group" aria-label={t('charts.zoom', { title })}>
            <button type="button" aria-label={t('charts.zoomIn')} onClick={() => chart.current && zoomTo({ zoom: clampZoom(zoomOf(chart.current) * ZOOM_STEP) })}>
              +
            </button>
            <button type="button" aria-label={t('charts.zoomOut')} onClick={() => chart.current && zoomTo({ zoom: clampZoom(zoomOf(chart.current) / ZOOM_STEP) })}>
              −
            </button>
            <button type="button" aria-label={t('charts.fitLabel')} onClick={() => zoomTo(fit)}>
              {t('charts.fit')}
            </button>
          </div>
        ) : null}
      </div>
      <details className="chart-table">
        <summary>{t('charts.table', { count: table.rows.length })}</summary>
        <DataTable table={table} caption={title} />
      </details>
    </section>
  );
}

/** A table of a chart's numbers: the first cell of each row is its heading. */
export function DataTable({ table, caption }: { table: TableData; caption: string }) {
  const t = useT();
  const shown = (cell: TableValue) => (isData(cell) ? <span translate="no">{cell.data}</span> : displayed(cell, t.number));
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.columns.map((column, index) => <th key={index} scope="col">{column}</th>)}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, index) => (
            <tr key={index}>
              {row.map((cell, column) => (column === 0 ? <th key={column} scope="row">{shown(cell)}</th> : <td key={column} className={typeof cell === 'number' ? 'number' : undefined}>{shown(cell)}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
