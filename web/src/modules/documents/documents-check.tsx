import { useEffect, useId, useMemo, useRef, useState, type SubmitEvent } from 'react';
import { api, within } from '../../api.js';
import { DateText, ErrorAlert, Field, Fieldset, PageHeader, TlpBadge } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import type { Tlp } from '../../platform.js';
import { can, useSession } from '../../session.js';
import {
  DOCUMENT_STATUS_IN_SENTENCE,
  DOCUMENT_STATUS_LABEL,
  DOCUMENT_TYPE_LABEL,
  DOCUMENT_TYPES,
  ICAO_ISSUERS,
  parseMrz,
  type CheckAnswer,
  type CheckResponse,
  type DocumentType,
  type Hit,
} from './api.js';
import { MrzLines, MrzProblems, serverMrzErrors } from './mrz-problems.js';
import './documents-pages.css';

/** The tabs of the travel-document module. */
export function DocumentsTabs() {
  const t = useT();
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
    <nav className="tabs" aria-label={t('documents.title')}>
      <ul>
        {link('/documents', 'check', t('documents.tabs.check'))}
        {link('/documents/register', 'register', t('documents.tabs.register'))}
        {link('/documents/hits', 'hits', t('documents.tabs.hits'))}
      </ul>
    </nav>
  );
}

const ISSUER_OPTIONS = [...ICAO_ISSUERS].sort((a, b) => a[1].localeCompare(b[1]));

/** An issuing state or organisation, by ICAO code (the names are ICAO's own, data). */
export function IssuerSelect({ value, onChange, props }: { value: string; onChange: (code: string) => void; props: object }) {
  const t = useT();
  return (
    <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">{t('documents.check.chooseIssuer')}</option>
      {ISSUER_OPTIONS.map(([code, name]) => (
        <option key={code} value={code} translate="no">
          {name} ({code})
        </option>
      ))}
    </select>
  );
}

export function TypeSelect({ value, onChange, props }: { value: string; onChange: (type: string) => void; props: object }) {
  const t = useT();
  return (
    <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
      {DOCUMENT_TYPES.map((type) => (
        <option key={type} value={type}>
          {t(DOCUMENT_TYPE_LABEL[type])}
        </option>
      ))}
    </select>
  );
}

function Contact({ hit }: { hit: Hit }) {
  return (
    <>
      <span translate="no">
        {hit.contact.memberName} ({hit.contact.member})
      </span>
      {hit.contact.focalPoints.length > 0 ? (
        <ul className="plain-list">
          {hit.contact.focalPoints.map((point) => (
            <li key={point.email} translate="no">
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
  const t = useT();
  if (answer.result === 'no-hit' || !answer.hit) {
    const what = {
      type: t(DOCUMENT_TYPE_LABEL[answer.document.type]),
      number: <code>{answer.document.number}</code>,
      issuer: <span translate="no">{ICAO_ISSUERS.get(answer.document.issuer) ?? answer.document.issuer}</span>,
    };
    return (
      <section className="check-result check-no-hit" aria-labelledby="check-result">
        <h2 id="check-result">{t('documents.check.noHit')}</h2>
        <p>{t.rich('documents.check.noHitText', what)}</p>
      </section>
    );
  }
  const hit = answer.hit;
  return (
    <section className="check-result check-hit" aria-labelledby="check-result">
      <h2 id="check-result">
        {t('documents.check.hit.title', { status: t(DOCUMENT_STATUS_LABEL[hit.status]) })} <TlpBadge tlp={hit.tlp as Tlp} />
      </h2>
      <p>{t('documents.check.hit.text', { status: t(DOCUMENT_STATUS_IN_SENTENCE[hit.status]) })}</p>
      <dl className="details">
        <dt>{t('documents.field.document')}</dt>
        <dd>
          {t(DOCUMENT_TYPE_LABEL[hit.type])} <code>{hit.number}</code>
        </dd>
        <dt>{t('documents.field.issuer')}</dt>
        <dd translate="no">
          {hit.issuerName} ({hit.issuer})
        </dd>
        <dt>{t('documents.field.status')}</dt>
        <dd>{t(DOCUMENT_STATUS_LABEL[hit.status])}</dd>
        <dt>{t('documents.field.reported')}</dt>
        <dd>
          <DateText value={hit.reportedOn} />
        </dd>
        <dt>{t('documents.field.lostOn')}</dt>
        <dd>
          <DateText value={hit.lostOn} />
        </dd>
        <dt>{t('documents.field.expires')}</dt>
        <dd>
          <DateText value={hit.expiresOn} />
        </dd>
        <dt>{t('documents.field.contact')}</dt>
        <dd>
          <Contact hit={hit} />
        </dd>
        {hit.handling.length > 0 ? (
          <>
            <dt>{t('documents.field.handling')}</dt>
            <dd translate="no">{hit.handling.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <Link to={`/documents/hits/${encodeURIComponent(hit.hitId)}`}>{t('documents.check.hit.follow')}</Link>
      </p>
    </section>
  );
}

type Mode = 'number' | 'mrz';

/** Check one document by issuer, type and number, or by its pasted MRZ; every check is audited with its purpose. */
export function DocumentsCheckPage() {
  const t = useT();
  useTitle(t('documents.check.title'));
  const { session } = useSession();
  const [mode, setMode] = useState<Mode>('mrz');
  const [purpose, setPurpose] = useState(() => t('documents.check.defaultPurpose'));
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
  const fromServer = serverMrzErrors(error, mrz);
  const shownMrzErrors = mode !== 'mrz' ? [] : mrzErrors.length > 0 ? mrzErrors : fromServer.errors;
  const shownMrzDetails = mode !== 'mrz' || mrzErrors.length > 0 ? [] : fromServer.details;
  const mrzInvalid = shownMrzErrors.length > 0 || shownMrzDetails.length > 0;
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
        <PageHeader title={t('documents.title')} />
        <DocumentsTabs />
        <p>{t('documents.check.notAllowed')}</p>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('documents.title')} />
      <DocumentsTabs />
      <p className="hint">{t('documents.check.intro')}</p>
      <form ref={form} onSubmit={submit} noValidate aria-label={t('documents.check.form')} className="check-form">
        <Field label={t('documents.check.purpose')} hint={t('documents.check.purposeHint')} error={error?.fieldError('/purpose')}>
          {(props) => <input {...props} value={purpose} maxLength={200} required onChange={(event) => setPurpose(event.target.value)} />}
        </Field>
        <Fieldset legend={t('documents.check.by')} className="radio-row">
          <label className="check">
            <input type="radio" name="check-mode" checked={mode === 'mrz'} onChange={() => setMode('mrz')} /> {t('documents.check.byMrz')}
          </label>
          <label className="check">
            <input type="radio" name="check-mode" checked={mode === 'number'} onChange={() => setMode('number')} /> {t('documents.check.byNumber')}
          </label>
        </Fieldset>
        {mode === 'mrz' ? (
          <>
            <Field label={t('documents.check.mrz')} hint={t('documents.check.mrzHint')}>
              {(props) => (
                <textarea
                  {...props}
                  aria-invalid={mrzInvalid ? true : undefined}
                  aria-describedby={[props['aria-describedby'], mrzInvalid ? problemsId : undefined].filter(Boolean).join(' ') || undefined}
                  className="mrz-input"
                  translate="no"
                  rows={3}
                  spellCheck={false}
                  autoCapitalize="characters"
                  autoComplete="off"
                  value={mrz}
                  onChange={(event) => setMrz(event.target.value)}
                />
              )}
            </Field>
            {mrzInvalid ? <MrzProblems id={problemsId} errors={shownMrzErrors} details={shownMrzDetails} /> : null}
            <MrzLines text={mrz} errors={mrzErrors} />
            {parsed?.ok ? (
              <p className="mrz-read" role="status">
                {t.rich('documents.check.readAs', {
                  type: t(DOCUMENT_TYPE_LABEL[parsed.document.documentType]),
                  number: <code className="mrz-text">{parsed.document.number}</code>,
                  issuer: <span translate="no">{ICAO_ISSUERS.get(parsed.document.issuer) ?? parsed.document.issuer}</span>,
                  format: <span translate="no">{parsed.document.format}</span>,
                  name: <span translate="no">{[parsed.document.surname, parsed.document.givenNames].filter(Boolean).join(' ')}</span>,
                  expires: <DateText value={parsed.document.expiryDate.iso} />,
                })}
              </p>
            ) : null}
          </>
        ) : (
          <div className="form-grid">
            <Field label={t('documents.field.issuingState')} error={error?.fieldError('/document/issuer')}>
              {(props) => <IssuerSelect props={props} value={issuer} onChange={setIssuer} />}
            </Field>
            <Field label={t('documents.field.type')} error={error?.fieldError('/document/type')}>
              {(props) => <TypeSelect props={props} value={type} onChange={(value) => setType(value as DocumentType)} />}
            </Field>
            <Field label={t('documents.field.number')} hint={t('documents.check.numberHint')} error={error?.fieldError('/document/number')}>
              {(props) => <input {...props} value={number} autoComplete="off" spellCheck={false} onChange={(event) => setNumber(event.target.value)} />}
            </Field>
          </div>
        )}
        <ErrorAlert error={banner} shown={fieldPointers} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('documents.check.checking') : t('documents.check.submit')}
          </button>
        </div>
      </form>
      {answer ? <CheckResult answer={answer} /> : null}
    </>
  );
}
