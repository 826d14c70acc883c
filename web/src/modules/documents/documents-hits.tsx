import { useId, useState } from 'react';
import { api, query } from '../../api.js';
import { DateText, ErrorAlert, Field, PageHeader } from '../../components/ui.js';
import { usePaged, useSubmit, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import { DocumentsTabs } from './documents-check.js';
import { DOCUMENT_STATUS_LABELS, DOCUMENT_TYPE_LABELS, HIT_OUTCOME_LABELS, type HitOne, type HitOutcome, type HitRecord, type Holder, type HolderResponse } from './api.js';
import './documents-pages.css';
import { useMembers } from '../directory/hooks.js';

export type Side = 'issuer' | 'checker';

export function OutcomeBadge({ outcome }: { outcome: HitOutcome }) {
  return <span className={`status status-${outcome}`}>{HIT_OUTCOME_LABELS[outcome]}</span>;
}

const VIA: Readonly<Record<HitRecord['via'], string>> = { number: 'by number', mrz: 'by MRZ', batch: 'in a batch' };

/** Confirm or deny a hit on one of the member's documents, with notes for the checking member. */
function AnswerForm({ hit, onAnswered }: { hit: HitRecord; onAnswered: (hit: HitRecord) => void }) {
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
      <Field label="Notes for the checking member" hint="What to do with the document or the person." error={error?.fieldError('/notes')}>
        {(props) => <textarea {...props} rows={2} maxLength={2000} value={notes} onChange={(event) => setNotes(event.target.value)} />}
      </Field>
      <ErrorAlert error={error} shown={['/notes']} />
      <div className="form-actions">
        <button type="button" className="button-primary" disabled={busy} onClick={() => answer('confirmed')}>
          Confirm the hit
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => answer('denied')}>
          Deny the hit
        </button>
      </div>
    </div>
  );
}

/** Step two: the holder details of a hit's document, read on purpose (and audited). */
function HolderDetails({ hit }: { hit: HitRecord }) {
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
          Show the holder details
        </button>
        <ErrorAlert error={error} />
      </>
    );
  }
  return (
    <p>
      <strong>Holder:</strong>{' '}
      {holder ? [holder.surname, holder.givenNames, holder.nationality, holder.birthDate, holder.sex].filter(Boolean).join(', ') : 'none registered'}
    </p>
  );
}

export const hitPath = (id: string): string => `/documents/hits/${encodeURIComponent(id)}`;

/** A hit record on its own page: what was found, by whom, the issuer's answer, and what the user may do with it. */
export function HitCard({ hit, side, names, onAnswered }: { hit: HitRecord; side: Side; names: Map<string, string>; onAnswered: (hit: HitRecord) => void }) {
  const heading = useId();
  const title = `${DOCUMENT_TYPE_LABELS[hit.type]} ${hit.number} (${hit.issuer}) — ${DOCUMENT_STATUS_LABELS[hit.status]}`;
  return (
    <article className="card" aria-labelledby={heading}>
      <div className="result-head">
        <h2 id={heading} className="card-title">
          {title}
        </h2>
        <OutcomeBadge outcome={hit.outcome} />
      </div>
      <p className="meta">
        <span>
          <DateText value={hit.createdAt} withTime />
        </span>
        <span>
          {side === 'issuer' ? `checked by ${names.get(hit.checker) ?? hit.checker}${hit.checkedBy ? ` (${hit.checkedBy})` : ''}` : `issuer ${names.get(hit.owner) ?? hit.owner}`}
        </span>
        <span>{VIA[hit.via]}</span>
        <span>purpose: {hit.purpose}</span>
      </p>
      {hit.outcome !== 'pending' ? (
        <p>
          {HIT_OUTCOME_LABELS[hit.outcome]} <DateText value={hit.answeredAt} withTime />
          {hit.notes ? <>: “{hit.notes}”</> : null}
        </p>
      ) : hit.remindedAt ? (
        <p className="muted">
          The issuer was reminded <DateText value={hit.remindedAt} withTime />.
        </p>
      ) : null}
      {hit.checks ? <HitChecks hit={hit} checks={hit.checks} /> : null}
      {hit.abilities.answer ? <AnswerForm hit={hit} onAnswered={onAnswered} /> : null}
      {hit.abilities.holder ? <HolderDetails hit={hit} /> : null}
    </article>
  );
}

const plural = (count: number, one: string): string => `${count} ${one}${count === 1 ? '' : 's'}`;

/**
 * Every check the hit holds, oldest first: a repeat check of a document while its hit waits is added
 * to the hit. The issuer sees when and how each was made; the checking member also who and why.
 */
function HitChecks({ hit, checks }: { hit: HitRecord; checks: NonNullable<HitRecord['checks']> }) {
  const heading = useId();
  const detailed = checks.some((check) => check.purpose !== undefined);
  return (
    <section aria-labelledby={heading}>
      <h3 id={heading} className="hit-checks-title">
        {plural(hit.checkCount, 'check')} of this document
      </h3>
      <table className="hit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">How</th>
              {detailed ? (
                <>
                  <th scope="col">Checked by</th>
                  <th scope="col">Purpose</th>
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
                <td>{VIA[check.via]}</td>
                {detailed ? (
                  <>
                    <td>{check.checkedBy ?? '—'}</td>
                    <td>{check.purpose ?? '—'}</td>
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
  return (
    <section className="hit-group" aria-labelledby={heading}>
      <h3 id={heading} className="hit-group-title">
        {DOCUMENT_TYPE_LABELS[first.type]} <span className="document-number">{first.number}</span> ({first.issuer}) — {DOCUMENT_STATUS_LABELS[first.status]}
        <span className="muted">
          {' '}
          · {plural(checks, 'check')}
          {group.hits.length > 1 ? ` in ${plural(group.hits.length, 'hit')}` : ''}
          {waiting > 0 && side === 'issuer' ? `, ${String(waiting)} waiting` : ''}
        </span>
      </h3>
      <table className="hit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">{side === 'issuer' ? 'Checked by' : 'Issuer'}</th>
            <th scope="col">How</th>
            <th scope="col">Checks</th>
            <th scope="col">Status</th>
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
              <td>
                {side === 'issuer' ? `${names.get(hit.checker) ?? hit.checker}${hit.checkedBy ? ` (${hit.checkedBy})` : ''}` : (names.get(hit.owner) ?? hit.owner)}
              </td>
              <td>{VIA[hit.via]}</td>
              <td>
                {hit.checkCount > 1 ? (
                  <>
                    {hit.checkCount}, last <DateText value={hit.lastCheckedAt} withTime />
                  </>
                ) : (
                  1
                )}
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

const SIDE_TITLES: Readonly<Record<Side, string>> = {
  issuer: 'Checks of your member’s documents',
  checker: 'Your member’s checks',
};

/** Whose hits: those on the member's documents or those of its own checks. */
export function HitSideTabs({ side }: { side: Side }) {
  return (
    <nav className="tabs" aria-label="Whose hits">
      <ul>
        <li>
          <Link to="/documents/hits?side=issuer" aria-current={side === 'issuer' ? 'page' : undefined}>
            Checks of your member’s documents
          </Link>
        </li>
        <li>
          <Link to="/documents/hits?side=checker" aria-current={side === 'checker' ? 'page' : undefined}>
            Your member’s checks
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
  useTitle(SIDE_TITLES[side]);
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
      <PageHeader title="Travel documents" />
      <DocumentsTabs />
      <HitSideTabs side={side} />
      <h2>{SIDE_TITLES[side]}</h2>
      <p className="hint">
        {side === 'issuer'
          ? 'Checks, by any member including your own, that hit a document your member registered, grouped by document. Open a check to confirm it is your document (the checking member may hold it) or deny it; an unanswered hit is reminded.'
          : 'The hits of your member’s checks, grouped by document, and what the issuer answered.'}
      </p>
      <nav className="inline-list" aria-label="Outcome">
        <ul className="inline-list">
          {filter('All', '')}
          {filter('Waiting', 'pending')}
          {filter('Confirmed', 'confirmed')}
          {filter('Denied', 'denied')}
        </ul>
      </nav>
      <ErrorAlert error={error} />
      <section aria-labelledby="hits-results">
        <h2 id="hits-results" className="visually-hidden">
          Hits by document
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first'
            ? 'Loading…'
            : items.length === 0
              ? 'No hits.'
              : `${items.length}${next ? '+' : ''} hit${items.length === 1 ? '' : 's'} on ${groups.length} document${groups.length === 1 ? '' : 's'}`}
        </p>
        <ol className="hit-groups">
          {groups.map((group) => (
            <li key={group.key}>
              <HitGroupRows group={group} side={side} names={names} />
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
