import { lazy, Suspense, useEffect, useState } from 'react';
import { ErrorAlert, Field, Loading } from '../../components/ui.js';
import { useResource } from '../../hooks.js';
import { navigate, useLocation } from '../../router.js';
import { INTERVALS, releaseLine, type ReleaseCells, type ReleaseOverview } from './reports-dashboard-data.js';
import { releaseTable } from './dashboard-tables.js';
import { dashboardHref, RELEASE_KEYS } from './dashboard-url.js';

const ChartPanel = lazy(() => import('../../components/charts/chart.js').then((module) => ({ default: module.ChartPanel })));
type Option = ReturnType<typeof import('./dashboard-options.js').releaseOption>;

const INTERVAL_LABELS: Record<string, string> = { month: 'Month', quarter: 'Quarter', year: 'Year' };

/**
 * The regional release layer of the dashboard: one fixed table at a time, as the job computed it for
 * every member alike. Its figures are perturbed, and a cell that did not pass the thresholds is
 * simply not there. Nothing here is added to the exact layer's figures. Its table and interval are
 * in the address (`table`, `releaseInterval`) beside the exact layer's filters.
 */
export function ReleaseLayer() {
  const location = useLocation();
  const table = location.search.get('table') ?? 'total';
  const interval = location.search.get('releaseInterval') ?? 'quarter';
  const overview = useResource<ReleaseOverview>('/reports/release');
  const data = useResource<ReleaseCells>(`/reports/release/cells?${new URLSearchParams({ table, interval }).toString()}`);
  const go = (next: { table?: string; releaseInterval?: string }): void => {
    navigate(dashboardHref(location.search, RELEASE_KEYS, new URLSearchParams({ table, releaseInterval: interval, ...next })), { replace: true });
  };
  const release = overview.data?.release;
  return (
    <>
      <div className="release-about">
        {release === null ? (
          <p>No regional release has been computed yet. The first is made when the server starts and then whenever a month closes.</p>
        ) : release ? (
          <>
            <p>
              <strong>{releaseLine(release)}</strong> It counts the approved reports of every member that marked them to count in regional
              figures, including reports you cannot see.
            </p>
            <details>
              <summary>How the release protects each member’s reports</summary>
              <p className="muted">
                Figures are perturbed (cell-key method), so they never change while their reports do not. A cell is shown only when it counts at
                least {overview.data?.k ?? 5} reports from at least 3 members and no two members hold more than 85% of them; other cells are left
                out, exactly like cells with no reports. Published figures (the regional summary) need {overview.data?.publishedK ?? 11}.
              </p>
            </details>
          </>
        ) : (
          <Loading />
        )}
      </div>
      <form aria-label="Release table" className="release-picker" onSubmit={(event) => event.preventDefault()}>
        <Field label="Table">
          {(props) => (
            <select {...props} value={table} onChange={(event) => go({ table: event.target.value })}>
              {(overview.data?.tables ?? [{ name: table, label: table, dimensions: [] }]).map((t) => <option key={t.name} value={t.name}>{t.label}</option>)}
            </select>
          )}
        </Field>
        <Field label="Period">
          {(props) => (
            <select {...props} value={interval} onChange={(event) => go({ releaseInterval: event.target.value })}>
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
  if (data.cells.length === 0) {
    return <p className="empty">This table of the release has no cell to show{data.release ? '' : ' yet'}.</p>;
  }
  return (
    <Suspense fallback={<Loading what="Loading the charts" />}>
      {option ? (
        <ChartPanel
          level={3}
          title="Reports in the regional release (perturbed)"
          note="A period with no bar has no cell that passed the thresholds; it is not a count of 0."
          option={option}
          table={releaseTable(data, dimensions)}
        />
      ) : (
        <Loading what="Loading the charts" />
      )}
    </Suspense>
  );
}
