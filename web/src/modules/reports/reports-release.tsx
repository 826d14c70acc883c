import { lazy, Suspense, useEffect, useState } from 'react';
import { ErrorAlert, Field, Loading } from '../../components/ui.js';
import '../../components/release.css';
import { useResource } from '../../hooks.js';
import { navigate, useLocation } from '../../router.js';
import { useIntl } from 'react-intl';
import { INTERVALS, type ReleaseCells, type ReleaseInfo, type ReleaseOverview } from './reports-dashboard-data.js';
import { releaseTable } from './dashboard-tables.js';
import { dashboardHref, RELEASE_KEYS } from './dashboard-url.js';
import { INTERVAL_LABEL } from './dashboard-filters.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import type { ReleaseTable as ReleaseTableName } from '../../../../src/modules/reports/release/tables.js';

const ChartPanel = lazy(() => import('../../components/charts/chart.js').then((module) => ({ default: module.ChartPanel })));
type Option = ReturnType<typeof import('./dashboard-options.js').releaseOption>;

/** The release's fixed tables (the server's release/tables.ts). */
const TABLE_LABEL: Readonly<Record<ReleaseTableName, MessageId>> = {
  total: msg('dashboard.release.table.total'),
  incidentType: msg('dashboard.release.table.incidentType'),
  country: msg('dashboard.release.table.country'),
  route: msg('dashboard.release.table.route'),
  citizenship: msg('dashboard.release.table.citizenship'),
  mode: msg('dashboard.release.table.mode'),
  destination: msg('dashboard.release.table.destination'),
  countryByIncidentType: msg('dashboard.release.table.countryByIncidentType'),
  fees: msg('dashboard.release.table.fees'),
};

/** A release's date and coverage, in words (the cut-off as the API gives it: the first day of a month). */
export function ReleaseLine({ release }: { release: ReleaseInfo }) {
  const t = useT();
  const intl = useIntl();
  const computed = intl.formatDate(release.computedAt, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return <>{t('dashboard.release.computed', { date: computed, key: release.cutoff })}</>;
}

/**
 * The regional release layer of the dashboard: one fixed table at a time, as the job computed it for
 * every member alike. Its figures are perturbed, and a cell that did not pass the thresholds is
 * simply not there. Nothing here is added to the exact layer's figures. Its table and interval are
 * in the address (`table`, `releaseInterval`) beside the exact layer's filters.
 */
export function ReleaseLayer() {
  const t = useT();
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
          <p>{t('dashboard.release.none')}</p>
        ) : release ? (
          <>
            <p>
              <strong>
                <ReleaseLine release={release} />
              </strong>{' '}
              {t('dashboard.release.counts')}
            </p>
            <details>
              <summary>{t('dashboard.release.howProtected')}</summary>
              <p className="muted">{t('dashboard.release.protection', { count: overview.data?.k ?? 5, n: overview.data?.publishedK ?? 11 })}</p>
            </details>
          </>
        ) : (
          <Loading />
        )}
      </div>
      <form aria-label={t('dashboard.release.picker')} className="release-picker" onSubmit={(event) => event.preventDefault()}>
        <Field label={t('dashboard.release.table')}>
          {(props) => (
            <select {...props} value={table} onChange={(event) => go({ table: event.target.value })}>
              {(overview.data?.tables ?? [{ name: table, label: table, dimensions: [] }]).map((option) => {
                const id = (TABLE_LABEL as Readonly<Record<string, MessageId>>)[option.name];
                return <option key={option.name} value={option.name}>{id ? t(id) : option.label}</option>;
              })}
            </select>
          )}
        </Field>
        <Field label={t('dashboard.release.period')}>
          {(props) => (
            <select {...props} value={interval} onChange={(event) => go({ releaseInterval: event.target.value })}>
              {INTERVALS.map((value) => <option key={value} value={value}>{t(INTERVAL_LABEL[value])}</option>)}
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
  const t = useT();
  const [option, setOption] = useState<Option | null>(null);
  useEffect(() => {
    let current = true;
    void import('./dashboard-options.js').then((module) => current && setOption(module.releaseOption(data, t)));
    return () => {
      current = false;
    };
  }, [data, t]);
  if (data.cells.length === 0) {
    return <p className="empty">{data.release ? t('dashboard.release.noCell') : t('dashboard.release.noCellYet')}</p>;
  }
  const loadingCharts = t('dashboard.loadingCharts');
  return (
    <Suspense fallback={<Loading what={loadingCharts} />}>
      {option ? (
        <ChartPanel
          level={3}
          title={t('dashboard.release.chart')}
          note={t('dashboard.release.chartNote')}
          option={option}
          table={releaseTable(data, dimensions, t)}
        />
      ) : (
        <Loading what={loadingCharts} />
      )}
    </Suspense>
  );
}
