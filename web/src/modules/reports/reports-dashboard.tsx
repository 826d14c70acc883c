import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import './reports-dashboard.css';
import type { MemberSummary } from '../directory/api.js';
import type { ComboboxOption } from '../../components/combobox.js';
import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import type { CodeLists } from './api.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link, navigate, useLocation } from '../../router.js';
import { figureOf, KEY_FIGURES, OUTCOMES, SEX_AGE, type Analysis } from './reports-dashboard-data.js';
import { feeTable, figureTable, flowTable, labeller, locationTable, seriesTable, SPLIT_LABEL } from './dashboard-tables.js';
import { useT } from '../../i18n/index.js';
import { codeItems } from './labels.js';
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
  const t = useT();
  useTitle(t('dashboard.title'));
  const location = useLocation();
  const release = useRef<HTMLElement>(null);
  const toRelease = location.search.get('layer') === 'release';
  // An old link to the release tab opens the page at the release.
  useEffect(() => {
    if (toRelease) release.current?.scrollIntoView();
  }, [toRelease]);
  return (
    <>
      <PageHeader title={t('dashboard.title')}>
        <Link className="button" to="/reports/summary">
          {t('dashboard.summaryLink')}
        </Link>
      </PageHeader>
      <div className="dashboard-layers">
        <section className="layer layer-exact" aria-labelledby="layer-exact">
          <div className="layer-head">
            <h2 id="layer-exact">{t('dashboard.exact.title')}</h2>
            <span className="layer-tag">{t('dashboard.exact.tag')}</span>
          </div>
          <p className="layer-line">{t('dashboard.exact.line')}</p>
          <ExactLayer />
        </section>
        <section className="layer layer-release" aria-labelledby="layer-release" ref={release}>
          <div className="layer-head">
            <h2 id="layer-release">{t('dashboard.release.title')}</h2>
            <span className="layer-tag">{t('dashboard.release.tag')}</span>
          </div>
          <p className="layer-line">{t('dashboard.release.line')}</p>
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
  const t = useT();
  const location = useLocation();
  const applied = formOf(location.search);
  const query = searchOf(applied).toString();
  const result = useResource<Analysis>(`/reports/analysis${query ? `?${query}` : ''}`);
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const labelled = (list: 'incidentTypes' | 'transportModes'): ComboboxOption[] => codeItems(t, list, lists.data?.[list] ?? {}).map(({ code, name }) => ({ value: code, label: name }));
  // Names of countries and members are data.
  const countries: ComboboxOption[] = (lists.data?.countries ?? []).map((country) => ({ value: country.code, label: `${country.name} (${country.code})`, data: true }));
  const label = labeller(result.data?.labels ?? {}, t);
  const routes = [...new Set([...(result.data?.flows.top ?? []).map((flow) => `${flow.from}>${flow.to}`), ...applied.route])];
  const options: Record<Multi, ComboboxOption[]> = {
    incidentType: labelled('incidentTypes'),
    mode: labelled('transportModes'),
    member: (members.data?.data ?? []).map((member) => ({ value: member.code, label: `${member.name} (${member.code})`, data: true })),
    country: countries,
    origin: countries,
    destination: countries,
    citizenship: [{ value: 'XXX', label: t('dashboard.filters.stateless') }, ...countries],
    route: routes.map((route) => ({ value: route, label: `${label(route)} (${route})`, data: true })),
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
  const t = useT();
  const [options, setOptions] = useState<Options | null>(null);
  useEffect(() => {
    let current = true;
    void import('./dashboard-options.js').then((module) => current && setOptions(module.dashboardOptions(analysis, t)));
    return () => {
      current = false;
    };
  }, [analysis, t]);
  const split = t(SPLIT_LABEL[analysis.split]).toLocaleLowerCase();
  const loadingCharts = t('dashboard.loadingCharts');
  return (
    <div aria-busy={busy} className="exact-figures">
      <dl className="key-figures" aria-label={t('dashboard.keyFigures')}>
        {KEY_FIGURES.map(([field, name]) => (
          <div key={field}>
            <dt>{t(name)}</dt>
            <dd>{t.number(figureOf(analysis.totals, field))}</dd>
          </div>
        ))}
      </dl>
      {options ? (
        <Suspense fallback={<Loading what={loadingCharts} />}>
          <ChartPanel level={3} title={t('dashboard.chart.series', { type: analysis.interval, name: split })} option={options.series} table={seriesTable(analysis, t)} />
          <ChartPanel level={3} title={t('dashboard.chart.flows')} option={options.sankey} height={420} table={flowTable(analysis, t)} />
          <ChartPanel level={3} title={t('dashboard.chart.flowMap')} option={options.flowMap} fit={options.flowFit} height={420} table={flowTable(analysis, t)} />
          <ChartPanel level={3} title={t('dashboard.chart.points', { n: analysis.map.cellSize })} option={options.points} fit={options.pointsFit} height={420} table={locationTable(analysis, t)} />
          {options.fees.length === 0 ? (
            <section className="panel" aria-label={t('dashboard.chart.fees')}>
              <h3>{t('dashboard.chart.fees')}</h3>
              <p className="empty">{t('dashboard.chart.noFees')}</p>
            </section>
          ) : (
            options.fees.map(({ currency, option }) => (
              <ChartPanel
                key={currency}
                level={3}
                title={t('dashboard.chart.feesIn', { key: currency })}
                note={t('dashboard.chart.feesNote', { key: currency })}
                option={option}
                table={feeTable(analysis, currency, t)}
              />
            ))
          )}
          <ChartPanel level={3} title={t('dashboard.chart.sexAge')} option={options.people} table={figureTable(analysis, SEX_AGE, t)} />
          <ChartPanel level={3} title={t('dashboard.chart.outcomes')} option={options.outcomes} table={figureTable(analysis, OUTCOMES, t)} />
        </Suspense>
      ) : (
        <Loading what={loadingCharts} />
      )}
    </div>
  );
}
