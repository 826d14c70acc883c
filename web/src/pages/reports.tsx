import { useEffect, useState, type SubmitEvent } from 'react';
import { query, type MemberSummary } from '../api.js';
import { DateText, ErrorAlert, Field, PageHeader, TlpBadge } from '../components/ui.js';
import { usePaged, useResource, useTitle } from '../hooks.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { labelOf, REPORT_STATUSES, type CodeLists, type Report, type ReportStatus } from '../reports-api.js';

const FILTERS = ['status', 'incidentType', 'country', 'from', 'to', 'owner', 'mine'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;
const PAGE_SIZE = 20;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, search.get(key) ?? ''])) as Filters;
}

const STATUS_LABEL: Record<ReportStatus, string> = { draft: 'Draft', submitted: 'Waiting for approval', shared: 'Shared', withdrawn: 'Withdrawn' };

export function StatusBadge({ status }: { status: ReportStatus }) {
  return <span className={`status status-${status}`}>{STATUS_LABEL[status]}</span>;
}

/** Whether the user's role lets them write reports (the server checks again). */
export function mayWriteReports(roles: readonly string[]): boolean {
  return roles.some((role) => ['officer', 'analyst', 'liaison', 'member-admin'].includes(role));
}

/** The reports the user may see; the filters live in the address so a view can be bookmarked. */
export function ReportsPage() {
  useTitle('Reports');
  const { session } = useSession();
  const location = useLocation();
  const applied = filtersOf(location.search);
  const appliedKey = query(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const results = usePaged<Report>(`/reports${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const names = new Map((members.data?.data ?? []).map((member) => [member.code, member.name]));
  const countries = new Map((lists.data?.countries ?? []).map((country) => [country.code, country.name]));

  useEffect(() => setDraft(filtersOf(new URLSearchParams(appliedKey))), [appliedKey]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    navigate(`/reports${query(Object.fromEntries(FILTERS.map((key) => [key, draft[key].trim()])))}`);
  };
  const set = (key: Filter, value: string): void => setDraft((current) => ({ ...current, [key]: value }));
  const filtered = FILTERS.some((key) => applied[key]);

  return (
    <>
      <PageHeader title="Reports">
        {mayWriteReports(session.user.roles) ? (
          <Link className="button" to="/reports/new">
            New report
          </Link>
        ) : null}
      </PageHeader>
      <p className="hint">
        Non-nominal incident reports. Other members’ reports appear once approved and shared, and only while your member has submitted a report itself within the reciprocity window.
      </p>

      <form role="search" aria-label="Reports" onSubmit={submit} className="search-form" noValidate>
        <div className="filters">
          <Field label="Status" error={error?.fieldError('/status')}>
            {(props) => (
              <select {...props} value={draft.status} onChange={(event) => set('status', event.target.value)}>
                <option value="">Any</option>
                {REPORT_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABEL[status]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Incident type" error={error?.fieldError('/incidentType')}>
            {(props) => (
              <select {...props} value={draft.incidentType} onChange={(event) => set('incidentType', event.target.value)}>
                <option value="">Any</option>
                {Object.entries(lists.data?.incidentTypes ?? {}).map(([code, label]) => (
                  <option key={code} value={code}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Country" error={error?.fieldError('/country')}>
            {(props) => (
              <select {...props} value={draft.country} onChange={(event) => set('country', event.target.value)}>
                <option value="">Any</option>
                {(lists.data?.countries ?? []).map((country) => (
                  <option key={country.code} value={country.code}>
                    {country.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Owner" error={error?.fieldError('/owner')}>
            {(props) => (
              <select {...props} value={draft.owner} onChange={(event) => set('owner', event.target.value)}>
                <option value="">Any</option>
                {(members.data?.data ?? []).map((member) => (
                  <option key={member.code} value={member.code}>
                    {member.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="From" error={error?.fieldError('/from')}>
            {(props) => <input {...props} type="date" value={draft.from} onChange={(event) => set('from', event.target.value)} />}
          </Field>
          <Field label="To" error={error?.fieldError('/to')}>
            {(props) => <input {...props} type="date" value={draft.to} onChange={(event) => set('to', event.target.value)} />}
          </Field>
          <label className="check">
            <input type="checkbox" checked={draft.mine === 'true'} onChange={(event) => set('mine', event.target.checked ? 'true' : '')} /> Only my member’s reports
          </label>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            Apply
          </button>
          {filtered ? <Link to="/reports">Clear filters</Link> : null}
        </div>
      </form>

      <ErrorAlert error={error} shown={FILTERS.map((key) => `/${key}`)} />

      <section aria-labelledby="reports-results">
        <h2 id="reports-results" className="visually-hidden">
          Results
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first' ? 'Loading…' : items.length === 0 ? (filtered ? 'No report matches.' : 'No reports yet.') : `${items.length}${next ? '+' : ''} reports`}
        </p>
        <ol className="results">
          {items.map((item) => (
            <li key={item.id} className="result">
              <div className="result-head">
                <h3 className="result-title">
                  <Link to={`/reports/${encodeURIComponent(item.id)}`}>
                    {labelOf(lists.data?.incidentTypes, item.incidentType)} — {countries.get(item.where.country) ?? item.where.country}
                    {item.where.place ? `, ${item.where.place}` : ''}
                  </Link>
                </h3>
                <StatusBadge status={item.status} /> <TlpBadge tlp={item.sharing.tlp} />
              </div>
              <p className="meta">
                <span>
                  <DateText value={item.when?.from ?? null} />
                </span>
                <span>{names.get(item.owner) ?? item.owner}</span>
                <span>{item.peopleTotal} people</span>
                {item.agency ? <span>{item.agency}</span> : null}
              </p>
            </li>
          ))}
        </ol>
        {next ? (
          <button type="button" className="button-secondary more" onClick={results.more} disabled={results.loading !== null}>
            {results.loading === 'more' ? 'Loading…' : 'More'}
          </button>
        ) : null}
      </section>
    </>
  );
}
