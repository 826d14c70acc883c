import { lazy, Suspense, useEffect, useState } from 'react';
import { ErrorAlert, Field, Loading } from '../../components/ui.js';
import { useResource } from '../../hooks.js';
import { navigate, useLocation } from '../../router.js';
import { INTERVALS, KEY_FIGURES, releaseLine, shown, type ReleaseCells, type ReleaseOverview } from './reports-dashboard-data.js';

const ChartPanel = lazy(() => import('../../components/charts/chart.js').then((module) => ({ default: module.ChartPanel })));
type Option = ReturnType<typeof import('./dashboard-options.js').releaseOption>;

const INTERVAL_LABELS: Record<string, string> = { month: 'Month', quarter: 'Quarter', year: 'Year' };
const DIMENSION_LABELS: Record<string, string> = {
  incidentType: 'Incident type', country: 'Country', route: 'Route leg', citizenship: 'Citizenship', mode: 'Transport mode',
  destination: 'Destination', currency: 'Currency',
};

/**
 * The regional release layer of the dashboard: one fixed table at a time, as the job computed it for
 * every member alike. Its figures are perturbed, and a cell that did not pass the thresholds is
 * simply not there. Nothing here is added to the exact layer's figures.
 */
export function ReleaseLayer() {
  const location = useLocation();
  const table = location.search.get('table') ?? 'total';
  const interval = location.search.get('interval') ?? 'quarter';
  const overview = useResource<ReleaseOverview>('/reports/release');
  const data = useResource<ReleaseCells>(`/reports/release/cells?${new URLSearchParams({ table, interval }).toString()}`);
  const go = (next: { table?: string; interval?: string }): void => {
    navigate(`/reports/dashboard?${new URLSearchParams({ layer: 'release', table, interval, ...next }).toString()}`);
  };
  const release = overview.data?.release;
  return (
    <>
      <section className="panel" aria-label="About the regional release">
        {release === null ? (
          <p>No regional release has been computed yet. The first is made when the server starts and then whenever a month closes.</p>
        ) : release ? (
          <>
            <p>
              <strong>Regional release.</strong> {releaseLine(release)} It counts the approved reports of every member that marked them to count
              in regional figures, including reports you cannot see, and it is the same for every member.
            </p>
            <p className="muted">
              Figures are perturbed (cell-key method), so they never change while their reports do not. A cell is shown only when it counts at
              least {overview.data?.k ?? 5} reports from at least 3 members and no two members hold more than 85% of them; other cells are left
              out, exactly like cells with no reports. Published figures (the regional summary) need {overview.data?.publishedK ?? 11}.
            </p>
          </>
        ) : (
          <Loading />
        )}
      </section>
      <form aria-label="Release table" className="form-row" onSubmit={(event) => event.preventDefault()}>
        <Field label="Table">
          {(props) => (
            <select {...props} value={table} onChange={(event) => go({ table: event.target.value })}>
              {(overview.data?.tables ?? [{ name: table, label: table, dimensions: [] }]).map((t) => <option key={t.name} value={t.name}>{t.label}</option>)}
            </select>
          )}
        </Field>
        <Field label="Period">
          {(props) => (
            <select {...props} value={interval} onChange={(event) => go({ interval: event.target.value })}>
              {INTERVALS.map((value) => <option key={value} value={value}>{INTERVAL_LABELS[value] ?? value}</option>)}
            </select>
          )}
        </Field>
      </form>
      <ErrorAlert error={overview.error ?? data.error} />
      {data.data ? <ReleaseTable data={data.data} dimensions={overview.data?.tables.find((t) => t.name === table)?.dimensions ?? []} /> : data.error ? null : <Loading />}
    </>
  );
}

function ReleaseTable({ data, dimensions }: { data: ReleaseCells; dimensions: string[] }) {
  const [option, setOption] = useState<Option | null>(null);
  useEffect(() => {
    let current = true;
    void import('./dashboard-options.js').then((module) => current && setOption(module.releaseOption(data)));
    return () => {
      current = false;
    };
  }, [data]);
  const label = (key: string): string => key.split('>').map((code) => data.labels[code] ?? code).join(' → ');
  if (data.cells.length === 0) {
    return <p className="empty">This table of the release has no cell to show{data.release ? '' : ' yet'}.</p>;
  }
  const fees = data.table === 'fees';
  const figures = fees ? [] : KEY_FIGURES.filter(([field]) => field !== 'reports');
  const table = (
    <table>
      <thead>
        <tr>
          <th scope="col">Period</th>
          {dimensions.map((dimension) => <th key={dimension} scope="col">{DIMENSION_LABELS[dimension] ?? dimension}</th>)}
          <th scope="col">Reports</th>
          {fees ? <th scope="col">Mean fee per person</th> : figures.map(([, name]) => <th key={name} scope="col">{name}</th>)}
        </tr>
      </thead>
      <tbody>
        {data.cells.map((cell) => (
          <tr key={`${cell.period}|${cell.keys.join('|')}`}>
            <th scope="row">{cell.period}</th>
            {cell.keys.map((key, index) => <td key={index}>{label(key)}</td>)}
            <td>{cell.reports.toLocaleString('en')}</td>
            {fees ? <td>{cell.feeMean?.toLocaleString('en')}</td> : figures.map(([field]) => <td key={field}>{shown(cell, field)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Suspense fallback={<Loading what="Loading the charts" />}>
      {option ? <ChartPanel title="Reports in the regional release (perturbed)" option={option} table={table} /> : <Loading what="Loading the charts" />}
    </Suspense>
  );
}
