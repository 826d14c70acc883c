import { useId, useState, type ReactNode, type SubmitEvent } from 'react';
import { api, ApiError, query } from '../../api.js';
import { DateText, ErrorAlert, Field, Fieldset, MoreButton, PageHeader, RecordPending } from '../../components/ui.js';
import { usePaged, useResource, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';
import { Link, navigate, useLocation } from '../../router.js';
import { useMembers } from '../directory/hooks.js';
import { noticePath, recordPath, requestPath, URGENCIES, URGENCY_LABEL, type DisclosureRequest, type Notice, type RecordRef, type Urgency } from './api.js';
import { LinkageTabs } from './linkage-tabs.js';
import { KindText } from './parts.js';
import { RequestRows } from './requests.js';
import './linkage.css';

type Side = Notice['side'];

const SIDE_TITLE: Readonly<Record<Side, MessageId>> = {
  told: msg('linkage.notices.side.told'),
  holder: msg('linkage.notices.side.holder'),
};

const memberName = (names: Map<string, string>, code: string) => <span translate="no">{names.get(code) ?? code}</span>;

/** What a notice says, from the reader's side: the member told learns only that a match exists, its kind, and whom to ask. */
function summary(t: Translate, notice: Notice, names: Map<string, string>): ReactNode {
  const kind = <KindText kind={notice.kind} />;
  if (notice.side === 'holder') return t.rich('linkage.notice.holderSummary', { member: memberName(names, notice.member ?? ''), kind });
  return notice.member ? t.rich('linkage.notice.toldSummary', { member: memberName(names, notice.member), kind }) : t.rich('linkage.notice.toldUnnamed', { kind });
}

/** Records as links to their pages (those the reader may see). */
function RecordList({ records }: { records: RecordRef[] }) {
  return (
    <ul className="record-list">
      {records.map((record) => {
        const path = recordPath(record);
        const title = record.label;
        return <li key={record.id}>{path ? <Link to={path} translate="no">{title}</Link> : <span translate="no">{title}</span>}</li>;
      })}
    </ul>
  );
}

function SideTabs({ side }: { side: Side }) {
  const t = useT();
  return (
    <nav className="tabs" aria-label={t('linkage.notices.sides')}>
      <ul>
        {(['told', 'holder'] as const).map((value) => (
          <li key={value}>
            <Link to={`/linkage/notices${query({ side: value })}`} aria-current={side === value ? 'page' : undefined}>
              {t(SIDE_TITLE[value])}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Hit notices: matches of the member's records with records it may not see, or its records others were told of. */
export function NoticesPage() {
  const t = useT();
  const location = useLocation();
  const side: Side = location.search.get('side') === 'holder' ? 'holder' : 'told';
  useTitle(t(SIDE_TITLE[side]));
  const results = usePaged<Notice>(`/linkage/notices${query({ side, limit: 25 })}`);
  const members = useMembers();
  const { items, next, error } = results;
  return (
    <>
      <PageHeader title={t('linkage.title')} />
      <LinkageTabs />
      <SideTabs side={side} />
      <h2>{t(SIDE_TITLE[side])}</h2>
      <p className="hint">{side === 'told' ? t('linkage.notices.toldHint') : t('linkage.notices.holderHint')}</p>
      <ErrorAlert error={error} />
      <p className="muted" role="status">
        {results.loading === 'first' ? t('ui.loading') : items.length === 0 ? t('linkage.notices.none') : t('linkage.notices.count', { count: items.length, shown: `${t.number(items.length)}${next ? '+' : ''}` })}
      </p>
      <ol className="results">
        {items.map((notice) => (
          <li key={notice.id} className="result">
            <p className="result-title">
              <Link to={noticePath(notice.id)}>{summary(t, notice, members.names)}</Link>
            </p>
            <p className="meta">
              <span>
                <DateText value={notice.createdAt} withTime />
              </span>
              {notice.key ? (
                <span>
                  <code>{notice.key}</code>
                </span>
              ) : null}
              <span>{t('linkage.notices.yourRecords', { count: notice.yourRecords.length })}</span>
            </p>
          </li>
        ))}
      </ol>
      <MoreButton paged={results} />
    </>
  );
}

/** One notice, as the reader's side reads it; the member told asks the holder from here. */
export function NoticePage({ id }: { id: string }) {
  const t = useT();
  const notice = useResource<{ data: Notice }>(noticePath(id));
  const members = useMembers();
  useTitle(t('linkage.notice.title'));
  if (!notice.data) {
    return <RecordPending error={notice.error} title={t('linkage.notice.title')} notFound={t('linkage.notice.notFound')} tabs={<LinkageTabs />} />;
  }
  const data = notice.data.data;
  return (
    <>
      <PageHeader title={t('linkage.notice.title')} />
      <LinkageTabs />
      <SideTabs side={data.side} />
      <article className="card notice-card" aria-labelledby="notice-summary">
        <h2 id="notice-summary" className="card-title">
          {summary(t, data, members.names)}
        </h2>
        <p className="meta">
          <span>
            <DateText value={data.createdAt} withTime />
          </span>
        </p>
        <dl className="details">
          <dt>{t('linkage.notice.kind')}</dt>
          <dd>
            <KindText kind={data.kind} />
          </dd>
          {data.key ? (
            <>
              <dt>{t('linkage.notice.value')}</dt>
              <dd>
                <code>{data.key}</code>
              </dd>
            </>
          ) : null}
          <dt>{data.side === 'told' ? t('linkage.notice.yourRecordsMatched') : t('linkage.notice.yourRecordsHolder')}</dt>
          <dd>
            <RecordList records={data.yourRecords} />
          </dd>
          {data.side === 'holder' ? (
            <>
              <dt>{t('linkage.notice.theirRecords')}</dt>
              <dd>{data.theirRecords.length > 0 ? <RecordList records={data.theirRecords} /> : <span className="muted">{t('linkage.notice.noneVisible')}</span>}</dd>
            </>
          ) : null}
        </dl>
        <p className="hint">{data.side === 'told' ? t('linkage.notice.toldHint') : t('linkage.notice.holderHint')}</p>
      </article>
      {data.abilities.ask ? <AskForm notice={data} names={members.names} /> : null}
      <NoticeRequests notice={data} />
    </>
  );
}

/** Step two: ask the holder what it may disclose, saying why and how urgently. */
function AskForm({ notice, names }: { notice: Notice; names: Map<string, string> }) {
  const t = useT();
  const heading = useId();
  const [reason, setReason] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('routine');
  const { busy, error, setError, run } = useSubmit();
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!reason.trim()) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/reason', detail: t('linkage.ask.reasonMissing') }]));
      return;
    }
    void run(async () => {
      const asked = await api.post<{ data: DisclosureRequest }>(`${noticePath(notice.id)}/requests`, { reason: reason.trim(), urgency });
      navigate(requestPath(asked.data.id));
    });
  };
  return (
    <section className="card linkage-section" aria-labelledby={heading}>
      <h2 id={heading} className="card-title">
        {notice.member ? t.rich('linkage.ask.title', { member: memberName(names, notice.member) }) : t('linkage.ask.titleUnnamed')}
      </h2>
      <form onSubmit={submit} noValidate className="ask-form">
        <ErrorAlert error={error} shown={['/reason', '/urgency']} />
        <Field label={t('linkage.ask.reason')} hint={t('linkage.ask.reasonHint')} error={error?.fieldError('/reason')}>
          {(props) => <textarea {...props} rows={4} maxLength={5000} required value={reason} onChange={(event) => setReason(event.target.value)} />}
        </Field>
        <Fieldset legend={t('linkage.ask.urgency')} error={error?.fieldError('/urgency')} className="radio-row">
          {URGENCIES.map((value) => (
            <label key={value} className="check">
              <input type="radio" name="urgency" checked={urgency === value} onChange={() => setUrgency(value)} /> {t(URGENCY_LABEL[value])}
            </label>
          ))}
        </Fieldset>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('linkage.ask.sending') : t('linkage.ask.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The requests made about this notice, from the reader's side. */
function NoticeRequests({ notice }: { notice: Notice }) {
  const t = useT();
  const side = notice.side === 'told' ? 'asker' : 'holder';
  const requests = usePaged<DisclosureRequest>(`/linkage/requests${query({ side, notice: notice.id })}`);
  const mine = requests.items;
  if (mine.length === 0) return null;
  return (
    <section className="linkage-section" aria-labelledby="notice-requests">
      <h2 id="notice-requests">{t('linkage.notice.requests')}</h2>
      <RequestRows requests={mine} />
    </section>
  );
}
