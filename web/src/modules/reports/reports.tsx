import { useEffect, useState } from 'react';
import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useResource, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { labelOf, REPORT_STATUSES, type CodeLists, type Report, type ReportStatus } from './api.js';
import { useMembers } from '../directory/hooks.js';
import { BulkActions, bulkFilter, selectable, type BulkAct } from './bulk-actions.js';

const FILTERS = ['status', 'incidentType', 'country', 'from', 'to', 'owner', 'mine', 'toApprove', 'importId'] as const;
const PAGE_SIZE = 20;

export function StatusBadge({ status }: { status: ReportStatus }) {
  return <span className={`status status-${status}`}>{REPORT_STATUSES.labels[status]}</span>;
}

/** The reports the user may see; the filters live in the address so a view can be bookmarked. */
export function ReportsPage() {
  useTitle('Reports');
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<Report>(`/reports${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useMembers();
  const { names } = members;
  const countries = new Map((lists.data?.countries ?? []).map((country) => [country.code, country.name]));
  // Bulk acts: the ones the user's roles allow; the reports each row's abilities allow.
  const acts: BulkAct[] = [...(can(session, 'reports.write') ? (['submit'] as const) : []), ...(can(session, 'reports.approve') ? (['approve'] as const) : [])];
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const appliedKey = query(applied);
  useEffect(() => {
    setPicked(new Set());
    setAllMatching(false);
  }, [appliedKey]);
  const toggle = (id: string, on: boolean): void =>
    setPicked((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const titleOf = (item: Report): string =>
    `${labelOf(lists.data?.incidentTypes, item.incidentType)} — ${item.where.country ? (countries.get(item.where.country) ?? item.where.country) : (item.where.seaArea ?? item.where.sourceRegion ?? '')}${item.where.place ? `, ${item.where.place}` : ''}`;

  return (
    <>
      <PageHeader title="Reports">
        {can(session, 'reports.write') ? (
          <Link className="button" to="/reports/new">
            New report
          </Link>
        ) : null}
        {can(session, 'reports.import') ? (
          <Link className="button button-secondary" to="/reports/import">
            Import
          </Link>
        ) : null}
      </PageHeader>
      <p className="hint">
        Non-nominal incident reports. Other members’ reports appear once approved and shared, and only while your member has submitted a report itself within the reciprocity window.
      </p>

      <ListFilter
        label="Reports"
        filter={filter}
        error={error}
        fields={[
          { kind: 'select', key: 'status', label: 'Status', options: REPORT_STATUSES.codes.map((status) => ({ value: status, label: REPORT_STATUSES.labels[status] })) },
          { kind: 'select', key: 'incidentType', label: 'Incident type', options: Object.entries(lists.data?.incidentTypes ?? {}).map(([value, label]) => ({ value, label })) },
          { kind: 'select', key: 'country', label: 'Country', options: (lists.data?.countries ?? []).map((country) => ({ value: country.code, label: country.name })) },
          { kind: 'select', key: 'owner', label: 'Owner', options: members.list.map((member) => ({ value: member.code, label: member.name })) },
          { kind: 'date', key: 'from', label: 'From' },
          { kind: 'date', key: 'to', label: 'To' },
          { kind: 'check', key: 'mine', label: 'Only my member’s reports' },
          // Four eyes: the submitted reports of the user's member that someone else submitted (the home page's count).
          ...(can(session, 'reports.approve') ? [{ kind: 'check', key: 'toApprove', label: 'Waiting for my approval' } as const] : []),
        ]}
      />

      {applied.importId ? <p className="notice-inline">Showing the reports one import wrote.</p> : null}
      {can(session, 'reports.export') ? (
        <p className="inline-actions">
          Export {filtered ? 'the reports these filters select' : 'every report'} that you may pass on:{' '}
          <a href={`/api/v1/reports/export.csv${query(applied)}`} download>
            CSV
          </a>{' '}
          ·{' '}
          <a href={`/api/v1/reports/export.xlsx${query(applied)}`} download>
            XLSX
          </a>
        </p>
      ) : null}

      <section aria-labelledby="reports-results">
        <h2 id="reports-results" className="visually-hidden">
          Results
        </h2>
        {acts.length > 0 ? (
          <>
            <label className="check">
              <input type="checkbox" checked={allMatching} onChange={(event) => setAllMatching(event.target.checked)} />
              Select all reports matching the filter
            </label>
            <BulkActions
              selection={{ ids: picked, allMatching }}
              filter={bulkFilter(applied)}
              acts={acts}
              onDone={() => {
                setPicked(new Set());
                setAllMatching(false);
                results.reload();
              }}
            />
          </>
        ) : null}
        <p className="muted" role="status">
          {results.loading === 'first' ? 'Loading…' : items.length === 0 ? (filtered ? 'No report matches.' : 'No reports yet.') : `${items.length}${next ? '+' : ''} reports`}
        </p>
        <ol className="results">
          {items.map((item) => (
            <li key={item.id} className="result">
              <div className="result-head">
                {selectable(item, acts) ? (
                  <input
                    type="checkbox"
                    className="result-select"
                    aria-label={`Select ${titleOf(item)}`}
                    checked={allMatching || picked.has(item.id)}
                    disabled={allMatching}
                    onChange={(event) => toggle(item.id, event.target.checked)}
                  />
                ) : null}
                <h3 className="result-title">
                  <Link to={`/reports/${encodeURIComponent(item.id)}`}>{titleOf(item)}</Link>
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
