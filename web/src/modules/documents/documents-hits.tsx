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

const hitPath = (id: string): string => `/documents/hits/${encodeURIComponent(id)}`;

interface HitCardProps {
  hit: HitRecord;
  side: Side;
  names: Map<string, string>;
  onAnswered: (hit: HitRecord) => void;
  /** The card is the whole page: its title is an h2 and not a link to itself. */
  alone?: boolean;
}

/** A hit record: what was found, by whom, the issuer's answer, and what the user may do with it. */
export function HitCard({ hit, side, names, onAnswered, alone = false }: HitCardProps) {
  const heading = useId();
  const Heading = alone ? 'h2' : 'h3';
  const title = `${DOCUMENT_TYPE_LABELS[hit.type]} ${hit.number} (${hit.issuer}) — ${DOCUMENT_STATUS_LABELS[hit.status]}`;
  return (
    <article className="card" aria-labelledby={heading}>
      <div className="result-head">
        <Heading id={heading} className="card-title">
          {alone ? title : <Link to={hitPath(hit.id)}>{title}</Link>}
        </Heading>
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
      {hit.abilities.answer ? <AnswerForm hit={hit} onAnswered={onAnswered} /> : null}
      {hit.abilities.holder ? <HolderDetails hit={hit} /> : null}
    </article>
  );
}

/** Whose hits: those on the member's documents or those of its own checks. */
export function HitSideTabs({ side }: { side: Side }) {
  return (
    <nav className="tabs" aria-label="Whose hits">
      <ul>
        <li>
          <Link to="/documents/hits?side=issuer" aria-current={side === 'issuer' ? 'page' : undefined}>
            On our documents
          </Link>
        </li>
        <li>
          <Link to="/documents/hits?side=checker" aria-current={side === 'checker' ? 'page' : undefined}>
            Of our checks
          </Link>
        </li>
      </ul>
    </nav>
  );
}

/** The hits on the member's documents, to confirm or deny, and the hits of the member's own checks with their outcome. */
export function DocumentHitsPage() {
  useTitle('Document hits');
  const location = useLocation();
  const side: Side = location.search.get('side') === 'checker' ? 'checker' : 'issuer';
  const outcome = location.search.get('outcome') ?? '';
  const results = usePaged<HitRecord>(`/documents/hits${query({ side, outcome, limit: 25 })}`);
  const members = useMembers();
  const { names } = members;
  const { items, next, error } = results;
  const replace = (hit: HitRecord): void => results.update((current) => current.map((item) => (item.id === hit.id ? hit : item)));
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
      <p className="hint">
        {side === 'issuer'
          ? 'Other members’ checks that hit a document your member registered. Confirm it is your document (the checking member may hold it) or deny it; an unanswered hit is reminded.'
          : 'The hits of your member’s checks, and what the issuer answered.'}
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
          Hits
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first' ? 'Loading…' : items.length === 0 ? 'No hits.' : `${items.length}${next ? '+' : ''} hits`}
        </p>
        <ol className="card-list">
          {items.map((hit) => (
            <li key={hit.id}>
              <HitCard hit={hit} side={side} names={names} onAnswered={replace} />
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
