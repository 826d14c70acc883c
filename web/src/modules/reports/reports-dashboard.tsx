import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import './reports-dashboard.css';
import type { MemberSummary } from '../directory/api.js';
import type { ComboboxOption } from '../../components/combobox.js';
import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import type { CodeLists } from './api.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link, navigate, useLocation } from '../../router.js';
import { KEY_FIGURES, OUTCOMES, SEX_AGE, shown, type Analysis } from './reports-dashboard-data.js';
import { feeTable, figureTable, flowTable, labeller, locationTable, seriesTable, SPLIT_LABELS } from './dashboard-tables.js';
import { dashboardHref, formOf, MULTI, searchOf, SINGLE, type Multi } from './dashboard-url.js';
import { FilterBar } from './dashboard-filters.js';
import { ReleaseLayer } from './reports-release.js';

// ECharts and the world map are loaded with this page only, not with the whole app.
const ChartPanel = lazy(() => import('../../components/charts/chart.js').then((module) => ({ default: module.ChartPanel })));
type Options = import('./dashboard-options.js').DashboardOptions;

/**
 * The reports dashboard: the two layers of rule 6 (DESIGN.md §3), side by side on a wide screen and
 * one above the other on a narrow one, each under its own heading, never added together: "what you
 * can see", exact figures of your own and shared reports under any filter, and the "regional
 * release", fixed, perturbed tables over every member's regional reports.
 */
export function ReportsDashboardPage() {
  useTitle('Reports dashboard');
  const location = useLocation();
  const release = useRef<HTMLElement>(null);
  const toRelease = location.search.get('layer') === 'release';
  // An old link to the release tab opens the page at the release.
  useEffect(() => {
    if (toRelease) release.current?.scrollIntoView();
  }, [toRelease]);
  return (
    <>
      <PageHeader title="Reports dashboard">
        <Link className="button" to="/reports/summary">
          Regional summary
        </Link>
      </PageHeader>
      <div className="dashboard-layers">
        <section className="layer layer-exact" aria-labelledby="layer-exact">
          <div className="layer-head">
            <h2 id="layer-exact">What you can see</h2>
            <span className="layer-tag">Exact</span>
          </div>
          <p className="layer-line">
            Exact figures of your member’s reports and those shared with you, under any filter. Reports you cannot see are not counted here.
          </p>
          <ExactLayer />
        </section>
        <section className="layer layer-release" aria-labelledby="layer-release" ref={release}>
          <div className="layer-head">
            <h2 id="layer-release">Regional release</h2>
            <span className="layer-tag">Perturbed</span>
          </div>
          <p className="layer-line">
            Fixed tables over every member’s regional reports, yours and others’, perturbed and the same for every member. Never add them to the exact figures.
          </p>
          <ReleaseLayer />
        </section>
      </div>
    </>
  );
}

/** The fields the filter bar shows their own errors under. */
const FILTER_POINTERS = [...MULTI, 'from', 'to', 'zoom'].map((key) => `/${key}`);

/** The exact layer: the filters, the key figures and every chart with its table. */
function ExactLayer() {
  const location = useLocation();
  const applied = formOf(location.search);
  const query = searchOf(applied).toString();
  const result = useResource<Analysis>(`/reports/analysis${query ? `?${query}` : ''}`);
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const labelled = (labels: Record<string, string> | undefined): ComboboxOption[] => Object.entries(labels ?? {}).map(([value, label]) => ({ value, label }));
  const countries: ComboboxOption[] = (lists.data?.countries ?? []).map((country) => ({ value: country.code, label: `${country.name} (${country.code})` }));
  const label = labeller(result.data?.labels ?? {});
  const routes = [...new Set([...(result.data?.flows.top ?? []).map((flow) => `${flow.from}>${flow.to}`), ...applied.route])];
  const options: Record<Multi, ComboboxOption[]> = {
    incidentType: labelled(lists.data?.incidentTypes),
    mode: labelled(lists.data?.transportModes),
    member: (members.data?.data ?? []).map((member) => ({ value: member.code, label: `${member.name} (${member.code})` })),
    country: countries,
    origin: countries,
    destination: countries,
    citizenship: [{ value: 'XXX', label: 'Stateless or unknown (XXX)' }, ...countries],
    route: routes.map((route) => ({ value: route, label: `${label(route)} (${route})` })),
  };
  return (
    <>
      <FilterBar
        applied={applied}
        options={options}
        error={result.error}
        onApply={(form) => navigate(dashboardHref(location.search, [...MULTI, ...SINGLE], searchOf(form)))}
      />
      <ErrorAlert error={result.error} shown={FILTER_POINTERS} />
      {result.data ? <Dashboard analysis={result.data} busy={result.loading} /> : result.error ? null : <Loading />}
    </>
  );
}

function Dashboard({ analysis, busy }: { analysis: Analysis; busy: boolean }) {
  const [options, setOptions] = useState<Options | null>(null);
  useEffect(() => {
    let current = true;
    void import('./dashboard-options.js').then((module) => current && setOptions(module.dashboardOptions(analysis)));
    return () => {
      current = false;
    };
  }, [analysis]);
  const split = SPLIT_LABELS[analysis.split].toLowerCase();
  return (
    <div aria-busy={busy} className="exact-figures">
      <dl className="key-figures" aria-label="Key figures">
        {KEY_FIGURES.map(([field, name]) => (
          <div key={field}>
            <dt>{name}</dt>
            <dd>{shown(analysis.totals, field)}</dd>
          </div>
        ))}
      </dl>
      {options ? (
        <Suspense fallback={<Loading what="Loading the charts" />}>
          <ChartPanel level={3} title={`Reports by ${analysis.interval}, split by ${split}`} option={options.series} table={seriesTable(analysis)} />
          <ChartPanel level={3} title="Top routes (flows)" option={options.sankey} height={420} table={flowTable(analysis)} />
          <ChartPanel level={3} title="Top routes on the map" option={options.flowMap} fit={options.flowFit} height={420} table={flowTable(analysis)} />
          <ChartPanel level={3} title={`Incident locations (grid of ${analysis.map.cellSize}°)`} option={options.points} fit={options.pointsFit} height={420} table={locationTable(analysis)} />
          {options.fees.length === 0 ? (
            <section className="panel" aria-label="Fees per person">
              <h3>Fees per person</h3>
              <p className="empty">No report you may see under these filters gives a fee.</p>
            </section>
          ) : (
            options.fees.map(({ currency, option }) => (
              <ChartPanel
                key={currency}
                level={3}
                title={`Fees per person in ${currency} by route and year`}
                note={`Amounts as reported, in ${currency}: median and range. Fees in other currencies have their own chart; nothing is converted.`}
                option={option}
                table={feeTable(analysis, currency)}
              />
            ))
          )}
          <ChartPanel level={3} title="People by sex and age group" option={options.people} table={figureTable(analysis, SEX_AGE)} />
          <ChartPanel level={3} title="Outcomes" option={options.outcomes} table={figureTable(analysis, OUTCOMES)} />
        </Suspense>
      ) : (
        <Loading what="Loading the charts" />
      )}
    </div>
  );
}
