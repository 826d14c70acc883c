import { useId, useState } from 'react';
import { api, query } from '../../api.js';
import { DateText, ErrorAlert, Field, MoreButton, PageHeader } from '../../components/ui.js';
import { usePaged, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import { DocumentsTabs } from './documents-check.js';
import { CHECK_VIA_LABEL, DOCUMENT_STATUS_LABEL, DOCUMENT_TYPE_LABEL, HIT_OUTCOME_LABEL, type HitOne, type HitOutcome, type HitRecord, type Holder, type HolderResponse } from './api.js';
import './documents-pages.css';
import { useMembers } from '../directory/hooks.js';

export type Side = 'issuer' | 'checker';

export function OutcomeBadge({ outcome }: { outcome: HitOutcome }) {
  const t = useT();
  return <span className={`status status-${outcome}`}>{t(HIT_OUTCOME_LABEL[outcome])}</span>;
}

/** A member's name, or its code when the directory does not list it: data either way. */
const memberName = (names: Map<string, string>, code: string): string => names.get(code) ?? code;

/** Who checked: the member, and the user where the answer names them. */
function checkerText(t: Translate, hit: HitRecord, names: Map<string, string>) {
  return hit.checkedBy
    ? t.rich('documents.hits.checkerUser', { member: <span translate="no">{memberName(names, hit.checker)}</span>, user: <span translate="no">{hit.checkedBy}</span> })
    : <span translate="no">{memberName(names, hit.checker)}</span>;
}

/** Confirm or deny a hit on one of the member's documents, with notes for the checking member. */
function AnswerForm({ hit, onAnswered }: { hit: HitRecord; onAnswered: (hit: HitRecord) => void }) {
  const t = useT();
  const [notes, setNotes] = useState('');
  const { busy, error, run } = useSubmit();
  const answer = (outcome: 'confirmed' | 'denied'): void => {
    void run(async () => {
      const body = notes.trim() ? { outcome, notes: notes.trim() } : { outcome };
      const response = await api.post<HitOne>(`/documents/hits/${encodeURIComponent(hit.id)}/answer`, body);
      onAnswered(response.data);
    });
  };
  return (
    <div className="hit-answer">
      <Field label={t('documents.hit.notes')} hint={t('documents.hit.notesHint')} error={error?.fieldError('/notes')}>
        {(props) => <textarea {...props} rows={2} maxLength={2000} value={notes} onChange={(event) => setNotes(event.target.value)} />}
      </Field>
      <ErrorAlert error={error} shown={['/notes']} />
      <div className="form-actions">
        <button type="button" className="button-primary" disabled={busy} onClick={() => answer('confirmed')}>
          {t('documents.hit.confirm')}
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => answer('denied')}>
          {t('documents.hit.deny')}
        </button>
      </div>
    </div>
  );
}

/** Step two: the holder details of a hit's document, read on purpose (and audited). */
function HolderDetails({ hit }: { hit: HitRecord }) {
  const t = useT();
  const [holder, setHolder] = useState<Holder | null | undefined>(undefined);
  const { busy, error, run } = useSubmit();
  const read = (): void => {
    void run(async () => {
      const response = await api.get<HolderResponse>(`/documents/hits/${encodeURIComponent(hit.id)}/holder`);
      setHolder(response.data.holder);
    });
  };
  if (holder === undefined) {
    return (
      <>
        <button type="button" className="button-secondary" disabled={busy} onClick={read}>
          {t('documents.hit.showHolder')}
        </button>
        <ErrorAlert error={error} />
      </>
    );
  }
  return (
    <p>
      <strong>{t('documents.hit.holder')}</strong>{' '}
      {holder ? <span translate="no">{[holder.surname, holder.givenNames, holder.nationality, holder.birthDate, holder.sex].filter(Boolean).join(', ')}</span> : t('documents.hit.noHolder')}
    </p>
  );
}

export const hitPath = (id: string): string => `/documents/hits/${encodeURIComponent(id)}`;

/** A hit record on its own page: what was found, by whom, the issuer's answer, and what the user may do with it. */
export function HitCard({ hit, side, names, onAnswered }: { hit: HitRecord; side: Side; names: Map<string, string>; onAnswered: (hit: HitRecord) => void }) {
  const t = useT();
  const heading = useId();
  return (
    <article className="card" aria-labelledby={heading}>
      <div className="result-head">
        <h2 id={heading} className="card-title">
          <DocumentHeading t={t} hit={hit} />
        </h2>
        <OutcomeBadge outcome={hit.outcome} />
      </div>
      <p className="meta">
        <span>
          <DateText value={hit.createdAt} withTime />
        </span>
        <span>
          {side === 'issuer'
            ? t.rich('documents.hit.checkedBy', { checker: checkerText(t, hit, names) })
            : t.rich('documents.hit.issuer', { issuer: <span translate="no">{memberName(names, hit.owner)}</span> })}
        </span>
        <span>{t(CHECK_VIA_LABEL[hit.via])}</span>
        <span>{t.rich('documents.hit.purpose', { purpose: <span translate="no">{hit.purpose}</span> })}</span>
      </p>
      {hit.outcome !== 'pending' ? (
        <p>
          {t(HIT_OUTCOME_LABEL[hit.outcome])} <DateText value={hit.answeredAt} withTime />
          {hit.notes ? t.rich('documents.hit.answerNotes', { notes: <span translate="no">{hit.notes}</span> }) : null}
        </p>
      ) : hit.remindedAt ? (
        <p className="muted">{t.rich('documents.hit.reminded', { date: <DateText value={hit.remindedAt} withTime /> })}</p>
      ) : null}
      {hit.checks ? <HitChecks hit={hit} checks={hit.checks} /> : null}
      {hit.abilities.answer ? <AnswerForm hit={hit} onAnswered={onAnswered} /> : null}
      {hit.abilities.holder ? <HolderDetails hit={hit} /> : null}
    </article>
  );
}

/** "Passport X123 (IDN) — Stolen": the type and status in words, the number and issuer as data. */
function DocumentHeading({ t, hit }: { t: Translate; hit: HitRecord }) {
  return (
    <>
      {t.rich('documents.hits.document', {
        type: t(DOCUMENT_TYPE_LABEL[hit.type]),
        number: <span className="document-number" translate="no">{hit.number}</span>,
        issuer: <span translate="no">{hit.issuer}</span>,
        status: t(DOCUMENT_STATUS_LABEL[hit.status]),
      })}
    </>
  );
}

/**
 * Every check the hit holds, oldest first: a repeat check of a document while its hit waits is added
 * to the hit. The issuer sees when and how each was made; the checking member also who and why.
 */
function HitChecks({ hit, checks }: { hit: HitRecord; checks: NonNullable<HitRecord['checks']> }) {
  const t = useT();
  const heading = useId();
  const detailed = checks.some((check) => check.purpose !== undefined);
  return (
    <section aria-labelledby={heading}>
      <h3 id={heading} className="hit-checks-title">
        {t('documents.hit.checks', { count: hit.checkCount })}
      </h3>
      <table className="hit-table">
          <thead>
            <tr>
              <th scope="col">{t('documents.hits.when')}</th>
              <th scope="col">{t('documents.hits.how')}</th>
              {detailed ? (
                <>
                  <th scope="col">{t('documents.hits.checkedBy')}</th>
                  <th scope="col">{t('documents.check.purpose')}</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {checks.map((check, index) => (
              <tr key={`${check.checkedAt}-${String(index)}`}>
                <td>
                  <DateText value={check.checkedAt} withTime />
                </td>
                <td>{t(CHECK_VIA_LABEL[check.via])}</td>
                {detailed ? (
                  <>
                    <td translate="no">{check.checkedBy ?? '—'}</td>
                    <td translate="no">{check.purpose ?? '—'}</td>
                  </>
                ) : null}
              </tr>
            ))}
          </tbody>
      </table>
    </section>
  );
}

/** The hits of one document (issuer, type and number), newest first, as the queue shows them. */
export interface HitGroup {
  key: string;
  hits: HitRecord[];
}

/** Repeat checks of the same document under one heading, the documents in the order of their newest hit. */
export function groupByDocument(hits: readonly HitRecord[]): HitGroup[] {
  const groups = new Map<string, HitRecord[]>();
  for (const hit of hits) {
    const key = `${hit.issuer}/${hit.type}/${hit.number}`;
    const group = groups.get(key);
    if (group) group.push(hit);
    else groups.set(key, [hit]);
  }
  return [...groups].map(([key, members]) => ({ key, hits: members }));
}

/** One document of the queue and each check that hit it: when, which member, how, and where it stands. */
function HitGroupRows({ group, side, names }: { group: HitGroup; side: Side; names: Map<string, string> }) {
  const first = group.hits[0] as HitRecord;
  const waiting = group.hits.filter((hit) => hit.outcome === 'pending').length;
  const checks = group.hits.reduce((sum, hit) => sum + hit.checkCount, 0);
  const heading = useId();
  const t = useT();
  const counts = { checks, hits: group.hits.length, waiting: side === 'issuer' ? waiting : 0 };
  return (
    <section className="hit-group" aria-labelledby={heading}>
      <h3 id={heading} className="hit-group-title">
        <DocumentHeading t={t} hit={first} />
        <span className="muted">
          {' '}
          {counts.hits > 1 ? t('documents.hits.groupCountsInHits', counts) : t('documents.hits.groupCounts', counts)}
        </span>
      </h3>
      <table className="hit-table">
        <thead>
          <tr>
            <th scope="col">{t('documents.hits.when')}</th>
            <th scope="col">{side === 'issuer' ? t('documents.hits.checkedBy') : t('documents.field.issuer')}</th>
            <th scope="col">{t('documents.hits.how')}</th>
            <th scope="col">{t('documents.hits.checks')}</th>
            <th scope="col">{t('documents.field.status')}</th>
          </tr>
        </thead>
        <tbody>
          {group.hits.map((hit) => (
            <tr key={hit.id}>
              <td>
                <Link to={hitPath(hit.id)}>
                  <DateText value={hit.createdAt} withTime />
                </Link>
              </td>
              <td>{side === 'issuer' ? checkerText(t, hit, names) : <span translate="no">{memberName(names, hit.owner)}</span>}</td>
              <td>{t(CHECK_VIA_LABEL[hit.via])}</td>
              <td>
                {hit.checkCount > 1
                  ? t.rich('documents.hits.checkCountLast', { count: hit.checkCount, last: <DateText value={hit.lastCheckedAt} withTime /> })
                  : t.number(1)}
              </td>
              <td>
                <OutcomeBadge outcome={hit.outcome} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const SIDE_TITLES: Readonly<Record<Side, MessageId>> = {
  issuer: msg('documents.hits.side.issuer'),
  checker: msg('documents.hits.side.checker'),
};

/** Whose hits: those on the member's documents or those of its own checks. */
export function HitSideTabs({ side }: { side: Side }) {
  const t = useT();
  return (
    <nav className="tabs" aria-label={t('documents.hits.sides')}>
      <ul>
        <li>
          <Link to="/documents/hits?side=issuer" aria-current={side === 'issuer' ? 'page' : undefined}>
            {t(SIDE_TITLES.issuer)}
          </Link>
        </li>
        <li>
          <Link to="/documents/hits?side=checker" aria-current={side === 'checker' ? 'page' : undefined}>
            {t(SIDE_TITLES.checker)}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

/**
 * The queue: the hits on the member's documents (whoever checked them, its own officers included) or
 * those of its own checks, a compact row per check grouped by document; each row opens the hit's own
 * page, which holds the answer form.
 */
export function DocumentHitsPage() {
  const location = useLocation();
  const side: Side = location.search.get('side') === 'checker' ? 'checker' : 'issuer';
  const t = useT();
  useTitle(t(SIDE_TITLES[side]));
  const outcome = location.search.get('outcome') ?? '';
  const results = usePaged<HitRecord>(`/documents/hits${query({ side, outcome, limit: 25 })}`);
  const members = useMembers();
  const { names } = members;
  const { items, next, error } = results;
  const groups = groupByDocument(items);
  const filter = (label: string, value: string) => (
    <li>
      <Link to={`/documents/hits${query({ side, outcome: value })}`} aria-current={outcome === value ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );

  return (
    <>
      <PageHeader title={t('documents.title')} />
      <DocumentsTabs />
      <HitSideTabs side={side} />
      <h2>{t(SIDE_TITLES[side])}</h2>
      <p className="hint">{side === 'issuer' ? t('documents.hits.issuerHint') : t('documents.hits.checkerHint')}</p>
      <nav className="inline-list" aria-label={t('documents.hits.outcome')}>
        <ul className="inline-list">
          {filter(t('documents.hits.filter.all'), '')}
          {filter(t('documents.hits.filter.pending'), 'pending')}
          {filter(t('documents.hits.filter.confirmed'), 'confirmed')}
          {filter(t('documents.hits.filter.denied'), 'denied')}
        </ul>
      </nav>
      <ErrorAlert error={error} />
      <section aria-labelledby="hits-results">
        <h2 id="hits-results" className="visually-hidden">
          {t('documents.hits.byDocument')}
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first'
            ? t('ui.loading')
            : items.length === 0
              ? t('documents.hits.none')
              : next
                ? t('documents.hits.countMore', { count: items.length, documents: groups.length })
                : t('documents.hits.count', { count: items.length, documents: groups.length })}
        </p>
        <ol className="hit-groups">
          {groups.map((group) => (
            <li key={group.key}>
              <HitGroupRows group={group} side={side} names={names} />
            </li>
          ))}
        </ol>
        <MoreButton paged={results} />
      </section>
    </>
  );
}
