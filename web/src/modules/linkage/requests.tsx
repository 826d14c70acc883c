import type { ReactNode } from 'react';
import { FilteredList, useFilteredList } from '../../components/list-filter.js';
import { DateText, PageHeader, RecordPending, TlpBadge } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { msg, useT, type Translate } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useMembers } from '../directory/hooks.js';
import { isOverdue, noticePath, REQUEST_STATUSES, requestPath, STATUS_LABEL, URGENCY_LABEL, type DisclosureRequest } from './api.js';
import { LinkageTabs } from './linkage-tabs.js';
import { DisclosedValue, KindText } from './parts.js';
import { Decision } from './request-decision.js';
import './linkage.css';

const FILTERS = ['side', 'status'] as const;

export function StatusBadge({ request }: { request: Pick<DisclosureRequest, 'status' | 'dueAt'> }) {
  const t = useT();
  return (
    <>
      <span className={`status status-request-${request.status}`}>{t(STATUS_LABEL[request.status])}</span>
      {isOverdue(request) ? <span className="status status-overdue">{t('linkage.requests.overdue')}</span> : null}
    </>
  );
}

const memberText = (names: Map<string, string>, code: string) => <span translate="no">{names.get(code) ?? code}</span>;

/** Who a request is between, from the reader's side: "from M" to the holder, "to M" (or "to another member") to the asker. */
function between(t: Translate, request: DisclosureRequest, names: Map<string, string>): ReactNode {
  if (request.side === 'holder') return t.rich('linkage.requests.from', { member: memberText(names, request.member ?? '') });
  return request.member ? t.rich('linkage.requests.to', { member: memberText(names, request.member) }) : t('linkage.requests.toUnnamed');
}

/** Requests as table rows: when, between whom, about what, how urgent, where it stands and by when. */
export function RequestRows({ requests }: { requests: readonly DisclosureRequest[] }) {
  const t = useT();
  const members = useMembers();
  return (
    <div className="table-wrap">
      <table className="requests-table">
        <thead>
          <tr>
            <th scope="col">{t('linkage.requests.asked')}</th>
            <th scope="col">{t('linkage.requests.between')}</th>
            <th scope="col">{t('linkage.notice.kind')}</th>
            <th scope="col">{t('linkage.ask.urgency')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">{t('linkage.requests.due')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id} className={isOverdue(request) ? 'overdue' : undefined}>
              <td>
                <Link to={requestPath(request.id)}>
                  <DateText value={request.createdAt} withTime />
                </Link>
              </td>
              <td>{between(t, request, members.names)}</td>
              <td>
                <KindText kind={request.kind} />
              </td>
              <td>{t(URGENCY_LABEL[request.urgency as keyof typeof URGENCY_LABEL])}</td>
              <td>
                <StatusBadge request={request} />
              </td>
              <td>
                <DateText value={request.dueAt} withTime />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Disclosure requests the member made, and those made to it; pending ones first, soonest due first. */
export function RequestsPage() {
  const t = useT();
  useTitle(t('linkage.requests.title'));
  const { filter, paged } = useFilteredList<DisclosureRequest, (typeof FILTERS)[number]>('/linkage/requests', FILTERS);
  return (
    <>
      <PageHeader title={t('linkage.title')} />
      <LinkageTabs />
      <h2>{t('linkage.requests.title')}</h2>
      <p className="hint">{t('linkage.requests.hint')}</p>
      <FilteredList
        label={t('linkage.requests.title')}
        filter={filter}
        paged={paged}
        messages={{ empty: msg('linkage.requests.none'), noMatch: msg('linkage.requests.noMatch'), count: msg('linkage.requests.count') }}
        fields={[
          {
            kind: 'select',
            key: 'side',
            label: t('linkage.requests.side'),
            options: [
              { value: 'holder', label: t('linkage.requests.incoming') },
              { value: 'asker', label: t('linkage.requests.outgoing') },
            ],
          },
          { kind: 'select', key: 'status', label: t('common.status'), options: REQUEST_STATUSES.map((status) => ({ value: status, label: t(STATUS_LABEL[status]) })) },
        ]}
      >
        {(items) => <RequestRows requests={items} />}
      </FilteredList>
    </>
  );
}

/** One request: what was asked and why, where it stands, the holder's decision (made here by its approvers), and what was disclosed. */
export function RequestPage({ id }: { id: string }) {
  const t = useT();
  const request = useResource<{ data: DisclosureRequest }>(requestPath(id));
  const members = useMembers();
  useTitle(t('linkage.request.title'));
  if (!request.data) {
    return <RecordPending error={request.error} title={t('linkage.request.title')} notFound={t('linkage.request.notFound')} tabs={<LinkageTabs />} />;
  }
  const data = request.data.data;
  return (
    <>
      <PageHeader title={t('linkage.request.title')} />
      <LinkageTabs />
      <article className="card" aria-labelledby="request-heading">
        <div className="result-head">
          <h2 id="request-heading" className="card-title">
            {between(t, data, members.names)}
          </h2>
          <span>
            <StatusBadge request={data} />
          </span>
        </div>
        <dl className="details">
          <dt>{t('linkage.notice.kind')}</dt>
          <dd>
            <KindText kind={data.kind} /> (<Link to={noticePath(data.notice)}>{t('linkage.request.notice')}</Link>)
          </dd>
          <dt>{t('linkage.ask.reason')}</dt>
          <dd className="body-text" translate="no">
            {data.reason}
          </dd>
          <dt>{t('linkage.ask.urgency')}</dt>
          <dd>{t(URGENCY_LABEL[data.urgency as keyof typeof URGENCY_LABEL])}</dd>
          <dt>{t('linkage.requests.asked')}</dt>
          <dd>
            <DateText value={data.createdAt} withTime />
          </dd>
          <dt>{t('linkage.requests.due')}</dt>
          <dd>
            <DateText value={data.dueAt} withTime />
          </dd>
          {data.decidedAt ? (
            <>
              <dt>{t('linkage.request.decided')}</dt>
              <dd>
                <DateText value={data.decidedAt} withTime />
              </dd>
            </>
          ) : null}
          {data.refusal ? (
            <>
              <dt>{t('linkage.request.refusal')}</dt>
              <dd className="body-text" translate="no">
                {data.refusal}
              </dd>
            </>
          ) : null}
        </dl>
      </article>
      {data.abilities.grant || data.abilities.refuse ? <Decision request={data} onDecided={(decided) => request.set({ data: decided })} /> : null}
      <Disclosed request={data} />
    </>
  );
}

/** What the holder disclosed: the chosen fields of each record, under the sharing it chose. */
function Disclosed({ request }: { request: DisclosureRequest }) {
  const t = useT();
  if (request.disclosed.length === 0) return null;
  return (
    <section className="linkage-section" aria-labelledby="request-disclosed">
      <h2 id="request-disclosed">{request.side === 'asker' ? t('linkage.request.disclosedToYou') : t('linkage.request.disclosedByYou')}</h2>
      {request.disclosed.map((item) => (
        <article key={item.record} className="card disclosed">
          <p>
            <TlpBadge tlp={item.sharing.tlp} />
          </p>
          <dl className="details">
            {item.labels.map((field) => (
              <DisclosedField key={field.name} field={field.name} label={field.label} value={item.fields[field.name]} />
            ))}
          </dl>
        </article>
      ))}
    </section>
  );
}

/** A disclosed field: its label as its record type's source gives it (from the API), and its value. */
function DisclosedField({ field, label, value }: { field: string; label: string; value: unknown }) {
  return (
    <>
      <dt translate="no">{label}</dt>
      <dd className={field === 'narrative' || field === 'remarks' ? 'body-text' : undefined}>
        <DisclosedValue field={field} value={value} />
      </dd>
    </>
  );
}
