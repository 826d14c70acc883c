import { useEffect, useId, useMemo, useRef, useState, type SubmitEvent } from 'react';
import { api, within, type ApiError } from '../../api.js';
import { DateText, ErrorAlert, Field, Fieldset, PageHeader, TlpBadge } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import type { Tlp } from '../../platform.js';
import { can, useSession } from '../../session.js';
import {
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_TYPES,
  ICAO_ISSUERS,
  parseMrz,
  DOCUMENT_STATUS_LABELS,
  type CheckAnswer,
  type CheckResponse,
  type DocumentType,
  type Hit,
  type MrzError,
} from './api.js';
import './documents-pages.css';

/** The tabs of the travel-document module. */
export function DocumentsTabs() {
  const { path } = useLocation();
  const tab = path.startsWith('/documents/register') ? 'register' : path.startsWith('/documents/hits') ? 'hits' : 'check';
  const link = (to: string, name: typeof tab, label: string) => (
    <li>
      <Link to={to} aria-current={tab === name ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <nav className="tabs" aria-label="Travel documents">
      <ul>
        {link('/documents', 'check', 'Check')}
        {link('/documents/register', 'register', 'Our register')}
        {link('/documents/hits', 'hits', 'Hits')}
      </ul>
    </nav>
  );
}

const ISSUER_OPTIONS = [...ICAO_ISSUERS].sort((a, b) => a[1].localeCompare(b[1]));

/** An issuing state or organisation, by ICAO code. */
export function IssuerSelect({ value, onChange, props }: { value: string; onChange: (code: string) => void; props: object }) {
  return (
    <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">Choose…</option>
      {ISSUER_OPTIONS.map(([code, name]) => (
        <option key={code} value={code}>
          {name} ({code})
        </option>
      ))}
    </select>
  );
}

export function TypeSelect({ value, onChange, props }: { value: string; onChange: (type: string) => void; props: object }) {
  return (
    <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
      {DOCUMENT_TYPES.map((type) => (
        <option key={type} value={type}>
          {DOCUMENT_TYPE_LABELS[type]}
        </option>
      ))}
    </select>
  );
}

/** Text with its quoted MRZ fragments ("O", "L898902C3") in a monospace font, where O and 0 can be told apart. */
export function MrzText({ text }: { text: string }) {
  const parts = text.split(/("[^"]*")/);
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <code key={index} className="mrz-text">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** The MRZ's problems, once, under the field: each with its line, column and field, and its OCR hint. */
function MrzProblems({ id, errors }: { id: string; errors: readonly MrzError[] }) {
  return (
    <ul className="mrz-problems" id={id} aria-label="Problems in the MRZ">
      {errors.map((error, index) => (
        <li key={index}>
          <span className="mrz-where">{error.line === 0 ? 'The MRZ' : error.column === 0 ? `Line ${error.line}` : `Line ${error.line}, column ${error.column}`}</span>
          {error.field !== 'mrz' ? <span className="mrz-field"> ({error.field})</span> : null}: <MrzText text={error.message} />
          {error.hint ? (
            <span className="mrz-hint">
              Likely misread: <MrzText text={error.hint} />
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The server's reasons an MRZ cannot be read, when the page could not read it itself (fewer than two lines). */
function serverMrzErrors(error: ApiError | undefined): MrzError[] {
  if (!error) return [];
  return error.errors
    .filter((item) => within(item.pointer, '/mrz'))
    .map((item) => ({ field: 'mrz', line: 0, column: 0, message: item.detail }));
}

/** The MRZ as typed, one row per line, each with its length and a mark where a problem lies. */
function MrzLines({ text, errors }: { text: string; errors: readonly MrzError[] }) {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().toUpperCase())
    .filter(Boolean);
  if (lines.length === 0) return null;
  return (
    <ol className="mrz-lines" aria-label="MRZ lines as read">
      {lines.map((line, index) => {
        const faults = errors.filter((error) => error.line === index + 1);
        const columns = new Set(faults.map((error) => error.column));
        return (
          <li key={index} className={faults.length > 0 ? 'mrz-line mrz-line-bad' : 'mrz-line'}>
            <code>
              {Array.from(line, (char, column) => (
                <span key={column} className={columns.has(column + 1) ? 'mrz-char-bad' : undefined}>
                  {char}
                </span>
              ))}
            </code>
            <span className="muted"> {line.length} characters</span>
          </li>
        );
      })}
    </ol>
  );
}

function Contact({ hit }: { hit: Hit }) {
  return (
    <>
      {hit.contact.memberName} ({hit.contact.member})
      {hit.contact.focalPoints.length > 0 ? (
        <ul className="plain-list">
          {hit.contact.focalPoints.map((point) => (
            <li key={point.email}>
              {point.name} — <a href={`mailto:${point.email}`}>{point.email}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** The answer of a check: no hit, or the hit with its status, issuer, dates and whom to contact. */
export function CheckResult({ answer }: { answer: CheckAnswer }) {
  const what = `${DOCUMENT_TYPE_LABELS[answer.document.type]} ${answer.document.number} of ${ICAO_ISSUERS.get(answer.document.issuer) ?? answer.document.issuer}`;
  if (answer.result === 'no-hit' || !answer.hit) {
    return (
      <section className="check-result check-no-hit" aria-labelledby="check-result">
        <h2 id="check-result">No hit</h2>
        <p>{what} is not in the register as your member may see it.</p>
      </section>
    );
  }
  const hit = answer.hit;
  return (
    <section className="check-result check-hit" aria-labelledby="check-result">
      <h2 id="check-result">
        Hit: {DOCUMENT_STATUS_LABELS[hit.status]} <TlpBadge tlp={hit.tlp as Tlp} />
      </h2>
      <p>The issuer registered this document as {DOCUMENT_STATUS_LABELS[hit.status].toLowerCase()}. Follow your service’s procedure for a hit and contact the issuer, who has been told and will confirm or deny it.</p>
      <dl className="details">
        <dt>Document</dt>
        <dd>
          {DOCUMENT_TYPE_LABELS[hit.type]} {hit.number}
        </dd>
        <dt>Issuer</dt>
        <dd>
          {hit.issuerName} ({hit.issuer})
        </dd>
        <dt>Status</dt>
        <dd>{DOCUMENT_STATUS_LABELS[hit.status]}</dd>
        <dt>Reported</dt>
        <dd>
          <DateText value={hit.reportedOn} />
        </dd>
        <dt>Lost or stolen on</dt>
        <dd>
          <DateText value={hit.lostOn} />
        </dd>
        <dt>Expires</dt>
        <dd>
          <DateText value={hit.expiresOn} />
        </dd>
        <dt>Contact</dt>
        <dd>
          <Contact hit={hit} />
        </dd>
        {hit.handling.length > 0 ? (
          <>
            <dt>Handling</dt>
            <dd>{hit.handling.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <Link to={`/documents/hits/${encodeURIComponent(hit.hitId)}`}>Follow this hit</Link>
      </p>
    </section>
  );
}

type Mode = 'number' | 'mrz';

/** Check one document by issuer, type and number, or by its pasted MRZ; every check is audited with its purpose. */
export function DocumentsCheckPage() {
  useTitle('Check a travel document');
  const { session } = useSession();
    const [mode, setMode] = useState<Mode>('mrz');
  const [purpose, setPurpose] = useState('Border control');
  const [issuer, setIssuer] = useState('');
  const [type, setType] = useState<DocumentType>('passport');
  const [number, setNumber] = useState('');
  const [mrz, setMrz] = useState('');
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const { busy, error, run } = useSubmit();

  // The MRZ read as the server will read it, once it looks complete (two lines or more).
  const parsed = useMemo(() => (mrz.split(/\r\n|\r|\n/).filter((line) => line.trim()).length >= 2 ? parseMrz(mrz) : null), [mrz]);
  const mrzErrors = parsed && !parsed.ok ? parsed.errors : [];
  // Each problem is said once, under the field: the page's own reading, or else the server's.
  const shownMrzErrors = mode !== 'mrz' ? [] : mrzErrors.length > 0 ? mrzErrors : serverMrzErrors(error);
  const problemsId = useId();
  const form = useRef<HTMLFormElement>(null);
  const fieldPointers = ['/purpose', '/mrz', '/document/issuer', '/document/type', '/document/number'];
  // A refusal whose every reason is shown beside its field needs no banner repeating it.
  const banner = error && (error.errors.length === 0 || error.errors.some((item) => !fieldPointers.some((pointer) => within(item.pointer, pointer)))) ? error : undefined;
  // Without a banner to take the user there, a refusal takes them to the first field at fault.
  useEffect(() => {
    if (error && !banner) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error, banner]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setAnswer(null);
    void run(async () => {
      const body = mode === 'mrz' ? { purpose: purpose.trim(), mrz: mrz.trim() } : { purpose: purpose.trim(), document: { issuer, type, number: number.trim() } };
      const response = await api.post<CheckResponse>('/documents/checks', body);
      setAnswer(response.data);
    });
  };

  if (!can(session, 'documents.check')) {
    return (
      <>
        <PageHeader title="Travel documents" />
        <DocumentsTabs />
        <p>Your role does not run document checks. The register and the hits on your member’s documents are in the other tabs.</p>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Travel documents" />
      <DocumentsTabs />
      <p className="hint">
        Check a document against the lost, stolen, revoked and fraudulent documents the members registered. A document you may not see answers “no hit”, as one
        that is not registered. Every check is recorded with its purpose.
      </p>
      <form ref={form} onSubmit={submit} noValidate aria-label="Check a document" className="check-form">
        <Field label="Purpose" hint="Why you check this document; it is recorded in the audit trail." error={error?.fieldError('/purpose')}>
          {(props) => <input {...props} value={purpose} maxLength={200} required onChange={(event) => setPurpose(event.target.value)} />}
        </Field>
        <Fieldset legend="Check by" className="radio-row">
          <label className="check">
            <input type="radio" name="check-mode" checked={mode === 'mrz'} onChange={() => setMode('mrz')} /> Machine-readable zone
          </label>
          <label className="check">
            <input type="radio" name="check-mode" checked={mode === 'number'} onChange={() => setMode('number')} /> Issuer, type and number
          </label>
        </Fieldset>
        {mode === 'mrz' ? (
          <>
            <Field label="MRZ" hint="Paste or type the two or three lines at the foot of the data page (TD1, TD2, TD3 or a visa).">
              {(props) => (
                <textarea
                  {...props}
                  aria-invalid={shownMrzErrors.length > 0 ? true : undefined}
                  aria-describedby={[props['aria-describedby'], shownMrzErrors.length > 0 ? problemsId : undefined].filter(Boolean).join(' ') || undefined}
                  className="mrz-input"
                  rows={3}
                  spellCheck={false}
                  autoCapitalize="characters"
                  autoComplete="off"
                  value={mrz}
                  onChange={(event) => setMrz(event.target.value)}
                />
              )}
            </Field>
            {shownMrzErrors.length > 0 ? <MrzProblems id={problemsId} errors={shownMrzErrors} /> : null}
            <MrzLines text={mrz} errors={mrzErrors} />
            {parsed?.ok ? (
              <p className="mrz-read" role="status">
                Read as: {DOCUMENT_TYPE_LABELS[parsed.document.documentType]} <code className="mrz-text">{parsed.document.number}</code> of {ICAO_ISSUERS.get(parsed.document.issuer) ?? parsed.document.issuer} ({parsed.document.format}),{' '}
                {parsed.document.surname} {parsed.document.givenNames}, expires <DateText value={parsed.document.expiryDate.iso} />.
              </p>
            ) : null}
          </>
        ) : (
          <div className="form-grid">
            <Field label="Issuing state or organisation" error={error?.fieldError('/document/issuer')}>
              {(props) => <IssuerSelect props={props} value={issuer} onChange={setIssuer} />}
            </Field>
            <Field label="Document type" error={error?.fieldError('/document/type')}>
              {(props) => <TypeSelect props={props} value={type} onChange={(value) => setType(value as DocumentType)} />}
            </Field>
            <Field label="Document number" hint="As printed; spaces and hyphens do not matter." error={error?.fieldError('/document/number')}>
              {(props) => <input {...props} value={number} autoComplete="off" spellCheck={false} onChange={(event) => setNumber(event.target.value)} />}
            </Field>
          </div>
        )}
        <ErrorAlert error={banner} shown={fieldPointers} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Checking…' : 'Check'}
          </button>
        </div>
      </form>
      {answer ? <CheckResult answer={answer} /> : null}
    </>
  );
}
