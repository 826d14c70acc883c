import { lazy, Suspense, useEffect, useState, type ComponentProps, type SubmitEvent } from 'react';
import type { MemberSummary } from '../directory/api.js';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import type { CodeLists } from './api.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link, navigate, useLocation } from '../../router.js';
import { INTERVALS, KEY_FIGURES, OUTCOMES, SEX_AGE, shown, SPLITS, type Analysis, type Figures } from './reports-dashboard-data.js';
import { ReleaseLayer } from './reports-release.js';

// ECharts and the world map are loaded with this page only, not with the whole app.
const ChartPanel = lazy(() => import('../../components/charts/chart.js').then((module) => ({ default: module.ChartPanel })));
type Options = ReturnType<typeof import('./dashboard-options.js').dashboardOptions>;

const SPLIT_LABELS: Record<string, string> = {
  incidentType: 'Incident type', route: 'Route', citizenship: 'Citizenship', mode: 'Transport mode', destination: 'Destination', member: 'Reporting member',
  country: 'Country', seaArea: 'Sea area',
};
const INTERVAL_LABELS: Record<string, string> = { month: 'Month', quarter: 'Quarter', year: 'Year' };
const MULTI = ['incidentType', 'country', 'citizenship', 'mode', 'origin', 'destination', 'route', 'member'] as const;
const SINGLE = ['from', 'to', 'interval', 'split', 'zoom'] as const;
type Multi = (typeof MULTI)[number];
type Single = (typeof SINGLE)[number];
type Key = Multi | Single;
/** The form: the chosen codes of each filter, and the single values, as the URL holds them. */
type Form = Record<Multi, string[]> & Record<Single, string>;

const LABELS: Record<Key, string> = {
  incidentType: 'Incident types', country: 'Countries of incident', citizenship: 'Citizenships', mode: 'Transport modes', origin: 'Origins',
  destination: 'Destinations', route: 'Routes (e.g. MMR>THA)', member: 'Reporting members', from: 'From', to: 'To', interval: 'Interval',
  split: 'Split by', zoom: 'Map detail (0–8)',
};

function formOf(search: URLSearchParams): Form {
  const form = {} as Form;
  for (const key of MULTI) form[key] = search.getAll(key);
  for (const key of SINGLE) form[key] = search.get(key) ?? '';
  return form;
}

function searchOf(form: Form): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of MULTI) for (const value of form[key]) if (value.trim()) search.append(key, value.trim());
  for (const key of SINGLE) if (form[key].trim()) search.set(key, form[key].trim());
  return search;
}

type Option = { value: string; label: string };

/** A code-list picker: a list box of several choices (Ctrl or Shift for more than one), labelled and described. */
function Picker({ name, options, form, setForm, error }: { name: Multi; options: Option[]; form: Form; setForm: (form: Form) => void; error: string | undefined }) {
  const chosen = form[name];
  // A code in the URL that the list does not know is kept (and shown) rather than silently dropped.
  const all = [...options, ...chosen.filter((code) => !options.some((option) => option.value === code)).map((code) => ({ value: code, label: code }))];
  return (
    <Field label={LABELS[name]} hint={chosen.length > 0 ? `${chosen.length} chosen` : 'Any'} error={error}>
      {(props) => (
        <select {...props} multiple size={5} value={chosen} onChange={(event) => setForm({ ...form, [name]: [...event.target.selectedOptions].map((option) => option.value) })}>
          {all.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
        </select>
      )}
    </Field>
  );
}

const today = (): string => new Date().toISOString().slice(0, 10);

/** Period presets: every year since the reporting system began, and the last 12 months. */
function periods(): { label: string; from: string; to: string }[] {
  const year = new Date().getUTCFullYear();
  const ago = new Date();
  ago.setUTCFullYear(ago.getUTCFullYear() - 1);
  const list = [{ label: 'The last 12 months', from: ago.toISOString().slice(0, 10), to: today() }];
  for (let y = year; y >= 2013; y--) list.push({ label: String(y), from: `${y}-01-01`, to: `${y}-12-31` });
  return list;
}

/**
 * The reports dashboard in two layers that are never added together (DESIGN.md §3, rule 6): "what you
 * can see", exact figures of your own and shared reports under any filter, and the "regional release",
 * fixed, perturbed tables over every member's regional reports.
 */
export function ReportsDashboardPage() {
  useTitle('Reports dashboard');
  const location = useLocation();
  const layer = location.search.get('layer') === 'release' ? 'release' : 'exact';
  return (
    <>
      <PageHeader title="Reports dashboard">
        <Link className="button" to="/reports/summary">
          Regional summary
        </Link>
      </PageHeader>
      <nav aria-label="Layers" className="layer-tabs">
        <Link to="/reports/dashboard" aria-current={layer === 'exact' ? 'page' : undefined}>What you can see (exact)</Link>
        <Link to="/reports/dashboard?layer=release" aria-current={layer === 'release' ? 'page' : undefined}>Regional release (all members, perturbed)</Link>
      </nav>
      {layer === 'release' ? <ReleaseLayer /> : <ExactLayer />}
    </>
  );
}

/** The exact layer: the filters and every chart, with its numbers on hover and a table view. */
function ExactLayer() {
  const location = useLocation();
  const applied = searchOf(formOf(location.search)).toString();
  const [form, setForm] = useState<Form>(() => formOf(location.search));
  const result = useResource<Analysis>(`/reports/analysis${applied ? `?${applied}` : ''}`);
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const next = searchOf(form).toString();
    navigate(`/reports/dashboard${next ? `?${next}` : ''}`);
  };
  const labelled = (labels: Record<string, string> | undefined): Option[] => Object.entries(labels ?? {}).map(([value, label]) => ({ value, label }));
  const countries: Option[] = (lists.data?.countries ?? []).map((country) => ({ value: country.code, label: `${country.name} (${country.code})` }));
  const options: Record<Exclude<Multi, 'route'>, Option[]> = {
    incidentType: labelled(lists.data?.incidentTypes),
    mode: labelled(lists.data?.transportModes),
    member: (members.data?.data ?? []).map((member) => ({ value: member.code, label: `${member.name} (${member.code})` })),
    country: countries,
    origin: countries,
    destination: countries,
    citizenship: [{ value: 'XXX', label: 'Stateless or unknown (XXX)' }, ...countries],
  };
  const period = periods().find((p) => p.from === form.from && p.to === form.to);
  const pickers = ['incidentType', 'mode', 'citizenship', 'destination', 'origin', 'country', 'member'] as const;
  return (
    <>
      <form aria-label="Filters" onSubmit={submit} className="form-grid" noValidate>
        <Field label="Period" hint="Or choose the days below">
          {(props) => (
            <select
              {...props}
              value={period ? `${period.from}/${period.to}` : form.from || form.to ? 'custom' : ''}
              onChange={(event) => {
                const [from = '', to = ''] = event.target.value === 'custom' ? [form.from, form.to] : event.target.value.split('/');
                setForm({ ...form, from, to });
              }}
            >
              <option value="">Any time</option>
              {periods().map((p) => <option key={p.label} value={`${p.from}/${p.to}`}>{p.label}</option>)}
              {!period && (form.from || form.to) ? <option value="custom">The days chosen below</option> : null}
            </select>
          )}
        </Field>
        {(['from', 'to'] as const).map((key) => (
          <Field key={key} label={LABELS[key]} error={result.error?.fieldError(`/${key}`)}>
            {(props) => <input {...props} type="date" value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />}
          </Field>
        ))}
        {pickers.map((key) => <Picker key={key} name={key} options={options[key]} form={form} setForm={setForm} error={result.error?.fieldError(`/${key}`)} />)}
        <Field label={LABELS.route} hint="Legs as FROM>TO, separated by commas" error={result.error?.fieldError('/route')}>
          {(props) => (
            <input
              {...props}
              type="text"
              value={form.route.join(', ')}
              onChange={(e) => setForm({ ...form, route: e.target.value.split(/[\s,]+/).map((leg) => leg.toUpperCase()) })}
            />
          )}
        </Field>
        <Field label={LABELS.zoom} error={result.error?.fieldError('/zoom')}>
          {(props) => <input {...props} type="number" min={0} max={8} value={form.zoom} onChange={(e) => setForm({ ...form, zoom: e.target.value })} />}
        </Field>
        <Field label={LABELS.interval}>
          {(props) => (
            <select {...props} value={form.interval || 'quarter'} onChange={(e) => setForm({ ...form, interval: e.target.value })}>
              {INTERVALS.map((value) => <option key={value} value={value}>{INTERVAL_LABELS[value] ?? value}</option>)}
            </select>
          )}
        </Field>
        <Field label={LABELS.split}>
          {(props) => (
            <select {...props} value={form.split || 'incidentType'} onChange={(e) => setForm({ ...form, split: e.target.value })}>
              {SPLITS.map((value) => <option key={value} value={value}>{SPLIT_LABELS[value] ?? value}</option>)}
            </select>
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            Apply
          </button>
          <button type="button" className="button-secondary" onClick={() => { setForm(formOf(new URLSearchParams())); navigate('/reports/dashboard'); }}>
            Clear filters
          </button>
        </div>
      </form>
      <ErrorAlert error={result.error} />
      {result.data ? <Dashboard analysis={result.data} /> : result.error ? null : <Loading />}
    </>
  );
}

function Dashboard({ analysis }: { analysis: Analysis }) {
  const [options, setOptions] = useState<Options | null>(null);
  useEffect(() => {
    let current = true;
    void import('./dashboard-options.js').then((module) => current && setOptions(module.dashboardOptions(analysis)));
    return () => {
      current = false;
    };
  }, [analysis]);
  if (!options) return <Loading what="Loading the charts" />;
  const label = (code: string): string => analysis.labels[code] ?? code;
  const cellOf = (period: string, key: string) => analysis.series.cells.find((c) => c.period === period && c.key === key);
  return (
    <Suspense fallback={<Loading what="Loading the charts" />}>
      <p className="muted">
        Exact figures of the reports you may see: your member’s own and those other members shared with you. Reports you
        cannot see are not counted here; they reach you only in the <Link to="/reports/dashboard?layer=release">regional release</Link>.
      </p>
      <dl className="details">
        {KEY_FIGURES.map(([field, name]) => (
          <div key={field}>
            <dt>{name}</dt>
            <dd>{shown(analysis.totals, field)}</dd>
          </div>
        ))}
      </dl>
      <ChartPanel
        title={`Reports by ${analysis.interval}, split by ${(SPLIT_LABELS[analysis.split] ?? analysis.split).toLowerCase()}`}
        option={options.series}
        table={
          <table>
            <thead>
              <tr>
                <th scope="col">{SPLIT_LABELS[analysis.split] ?? analysis.split}</th>
                {analysis.series.periods.map((p) => <th key={p} scope="col">{p}</th>)}
                <th scope="col">All</th>
              </tr>
            </thead>
            <tbody>
              {analysis.series.byKey.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{label(row.key)}</th>
                  {analysis.series.periods.map((p) => <td key={p}>{shown(cellOf(p, row.key), 'reports')}</td>)}
                  <td>{shown(row, 'reports')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <FlowTable analysis={analysis} title="Top routes (sankey)" option={options.sankey} />
      <FlowTable analysis={analysis} title="Top routes on the map" option={options.flowMap} />
      <ChartPanel
        title={`Incident locations (grid of ${analysis.map.cellSize}°)`}
        option={options.points}
        height={420}
        table={
          <table>
            <thead><tr><th scope="col">Latitude</th><th scope="col">Longitude</th><th scope="col">Reports</th><th scope="col">People</th></tr></thead>
            <tbody>
              {analysis.map.cells.map((c) => (
                <tr key={`${c.latitude}:${c.longitude}`}><td>{c.latitude}</td><td>{c.longitude}</td><td>{shown(c, 'reports')}</td><td>{shown(c, 'people')}</td></tr>
              ))}
            </tbody>
          </table>
        }
      />
      <ChartPanel
        title="Fees per person by route and year (median and range)"
        option={options.fees}
        table={
          <table>
            <thead><tr><th scope="col">Route</th><th scope="col">Year</th><th scope="col">Currency</th><th scope="col">Reports</th><th scope="col">Median</th><th scope="col">Range</th></tr></thead>
            <tbody>
              {analysis.fees.map((f) => (
                <tr key={`${f.route}/${f.year}/${f.currency}`}>
                  <td>{f.route}</td><td>{f.year}</td><td>{f.currency}</td>
                  <td>{f.reports}</td><td>{f.median}</td><td>{f.min}–{f.max}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <ChartPanel title="People by sex and age group" option={options.people} table={<FigureTable analysis={analysis} fields={SEX_AGE} />} />
      <ChartPanel title="Outcomes" option={options.outcomes} table={<FigureTable analysis={analysis} fields={OUTCOMES} />} />
    </Suspense>
  );
}

function FlowTable({ analysis, title, option }: { analysis: Analysis; title: string; option: ComponentProps<typeof ChartPanel>['option'] }) {
  const label = (code: string): string => analysis.labels[code] ?? code;
  return (
    <ChartPanel
      title={title}
      option={option}
      height={420}
      table={
        <table>
          <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Reports</th><th scope="col">People</th></tr></thead>
          <tbody>
            {analysis.flows.top.map((f) => (
              <tr key={`${f.from}>${f.to}`}><td>{label(f.from)}</td><td>{label(f.to)}</td><td>{shown(f, 'reports')}</td><td>{shown(f, 'people')}</td></tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function FigureTable({ analysis, fields }: { analysis: Analysis; fields: readonly [keyof Figures, string][] }) {
  return (
    <table>
      <thead><tr><th scope="col">{SPLIT_LABELS[analysis.split] ?? analysis.split}</th>{fields.map(([, name]) => <th key={name} scope="col">{name}</th>)}</tr></thead>
      <tbody>
        <tr><th scope="row">All</th>{fields.map(([field]) => <td key={field}>{shown(analysis.totals, field)}</td>)}</tr>
        {analysis.series.byKey.map((row) => (
          <tr key={row.key}><th scope="row">{analysis.labels[row.key] ?? row.key}</th>{fields.map(([field]) => <td key={field}>{shown(row, field)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
