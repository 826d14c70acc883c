import { useEffect, useState } from 'react';
import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, ListStatus, MoreButton, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useResource, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { REPORT_STATUSES, type CodeLists, type Report, type ReportStatus } from './api.js';
import { codeItems, codeLabel, STATUS_LABEL } from './labels.js';
import { msg, useT } from '../../i18n/index.js';
import { useMembers } from '../directory/hooks.js';
import { BulkActions, bulkFilter, selectable, type BulkAct } from './bulk-actions.js';

const FILTERS = ['status', 'incidentType', 'country', 'from', 'to', 'owner', 'mine', 'toApprove', 'importId'] as const;
const PAGE_SIZE = 20;

export function StatusBadge({ status }: { status: ReportStatus }) {
  const t = useT();
  return <span className={`status status-${status}`}>{t(STATUS_LABEL[status])}</span>;
}

/** The reports the user may see; the filters live in the address so a view can be bookmarked. */
export function ReportsPage() {
  const t = useT();
  useTitle(t('reports.list.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<Report>(`/reports${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, error } = results;
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
  // The incident type is words of the app; the place is data.
  const placeOf = (item: Report): string =>
    `${item.where.country ? (countries.get(item.where.country) ?? item.where.country) : (item.where.seaArea ?? item.where.sourceRegion ?? '')}${item.where.place ? `, ${item.where.place}` : ''}`;
  const typeOf = (item: Report): string => codeLabel(t, 'incidentTypes', item.incidentType, lists.data?.incidentTypes);

  return (
    <>
      <PageHeader title={t('reports.list.title')}>
        {can(session, 'reports.write') ? (
          <Link className="button" to="/reports/new">
            {t('reports.list.new')}
          </Link>
        ) : null}
        {can(session, 'reports.import') ? (
          <Link className="button button-secondary" to="/reports/import">
            {t('reports.list.import')}
          </Link>
        ) : null}
      </PageHeader>
      <p className="hint">{t('reports.list.intro')}</p>

      <ListFilter
        label={t('reports.list.title')}
        filter={filter}
        error={error}
        fields={[
          { kind: 'select', key: 'status', label: t('reports.list.status'), options: REPORT_STATUSES.codes.map((status) => ({ value: status, label: t(STATUS_LABEL[status]) })) },
          { kind: 'select', key: 'incidentType', label: t('reports.list.incidentType'), options: codeItems(t, 'incidentTypes', lists.data?.incidentTypes ?? {}).map(({ code, name }) => ({ value: code, label: name })) },
          { kind: 'select', key: 'country', label: t('reports.list.country'), options: (lists.data?.countries ?? []).map((country) => ({ value: country.code, label: country.name, data: true })) },
          { kind: 'select', key: 'owner', label: t('reports.list.owner'), options: members.list.map((member) => ({ value: member.code, label: member.name, data: true })) },
          { kind: 'date', key: 'from', label: t('reports.list.from') },
          { kind: 'date', key: 'to', label: t('reports.list.to') },
          { kind: 'check', key: 'mine', label: t('reports.list.mine') },
          // Four eyes: the submitted reports of the user's member that someone else submitted (the home page's count).
          ...(can(session, 'reports.approve') ? [{ kind: 'check', key: 'toApprove', label: t('reports.list.toApprove') } as const] : []),
        ]}
      />

      {applied.importId ? <p className="notice-inline">{t('reports.list.fromImport')}</p> : null}
      {can(session, 'reports.export') ? (
        <p className="inline-actions">
          {filtered ? t('reports.list.exportFiltered') : t('reports.list.exportAll')}{' '}
          <a href={`/api/v1/reports/export.csv${query(applied)}`} download>
            {t('reports.list.csv')}
          </a>{' '}
          ·{' '}
          <a href={`/api/v1/reports/export.xlsx${query(applied)}`} download>
            {t('reports.list.xlsx')}
          </a>
        </p>
      ) : null}

      <section aria-labelledby="reports-results">
        <h2 id="reports-results" className="visually-hidden">
          {t('reports.list.results')}
        </h2>
        {acts.length > 0 ? (
          <>
            <label className="check">
              <input type="checkbox" checked={allMatching} onChange={(event) => setAllMatching(event.target.checked)} />
              {t('reports.list.selectAll')}
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
        <ListStatus paged={results} filtered={filtered} empty={msg('reports.list.empty')} noMatch={msg('reports.list.noMatch')} count={msg('reports.list.count')} />
        <ol className="results">
          {items.map((item) => (
            <li key={item.id} className="result">
              <div className="result-head">
                {selectable(item, acts) ? (
                  <input
                    type="checkbox"
                    className="result-select"
                    aria-label={t('reports.list.select', { type: typeOf(item), name: placeOf(item) })}
                    checked={allMatching || picked.has(item.id)}
                    disabled={allMatching}
                    onChange={(event) => toggle(item.id, event.target.checked)}
                  />
                ) : null}
                <h3 className="result-title">
                  <Link to={`/reports/${encodeURIComponent(item.id)}`}>{t.rich('reports.list.itemTitle', { type: typeOf(item), name: <span translate="no">{placeOf(item)}</span> })}</Link>
                </h3>
                <StatusBadge status={item.status} /> <TlpBadge tlp={item.sharing.tlp} />
              </div>
              <p className="meta">
                <span>
                  <DateText value={item.when?.from ?? null} />
                </span>
                <span translate="no">{names.get(item.owner) ?? item.owner}</span>
                <span>{t('reports.list.people', { count: item.peopleTotal })}</span>
                {item.agency ? <span translate="no">{item.agency}</span> : null}
              </p>
            </li>
          ))}
        </ol>
        <MoreButton paged={results} />
      </section>
    </>
  );
}
