import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { ReasonForm } from '../../components/reason-form.js';
import { ErrorAlert, Fieldset } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { Coded } from './agreement.js';
import { BAND_LABEL, BIOGRAPHIC_FIELDS, BIOGRAPHIC_LABEL, candidateImageUrl, probeImageUrl, stepTwoPath, subjectPath, type BiographicField, type HeldCandidate, type StepTwo, type StepTwoConfirmInput } from './api.js';

/** An image read from the API with the session cookie, or a sentence when it cannot be shown. */
function ComparedImage({ src, alt, caption }: { src: string; alt: string; caption: string }) {
  const t = useT();
  const [failed, setFailed] = useState(false);
  return (
    <figure className="compare-figure">
      {failed ? <p className="muted compare-missing">{t('biometrics.image.unavailable')}</p> : <img src={src} alt={alt} onError={() => setFailed(true)} />}
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/**
 * The holder's side: each candidate of its gallery, by reference and band, with (where
 * `abilities.compare` allows: the approver, when the agreement shows images) the probe sent beside
 * the candidate's gallery image, so the approver compares the two faces. The probe is deleted once
 * the request is decided.
 */
export function Comparison({ request }: { request: StepTwo }) {
  const t = useT();
  const { session } = useSession();
  const members = useMembers();
  const requester = members.names.get(request.requester) ?? request.requester;
  const candidates = request.candidates ?? [];
  return (
    <section className="step-two-compare" aria-labelledby="compare-heading">
      <h2 id="compare-heading">{t('biometrics.compare.title')}</h2>
      {request.abilities.compare ? <p className="hint">{t('biometrics.compare.hint')}</p> : !request.images ? <p className="hint">{t('biometrics.compare.noImages')}</p> : null}
      {candidates.length === 0 ? <p className="muted">{t('biometrics.compare.noCandidates')}</p> : null}
      <ul className="compare-list">
        {candidates.map((candidate) => (
          <li key={candidate.subject} className="card compare-candidate" aria-label={t('biometrics.compare.candidate', { reference: candidate.reference })}>
            <div className="result-head">
              <h3 className="card-title">
                {can(session, 'biometrics.enrol') ? (
                  <Link to={subjectPath(candidate.subject)} translate="no">
                    {candidate.reference}
                  </Link>
                ) : (
                  <span translate="no">{candidate.reference}</span>
                )}
              </h3>
              <span className={`status status-band-${candidate.band}`}>{t('biometrics.compare.band', { band: t(BAND_LABEL[candidate.band]) })}</span>
            </div>
            {request.abilities.compare ? (
              <div className="compare-pair">
                {request.hasProbeImage ? (
                  <ComparedImage src={probeImageUrl(request.id)} alt={t('biometrics.compare.probeAlt', { member: requester })} caption={t('biometrics.compare.probeCaption', { member: requester })} />
                ) : (
                  <p className="muted compare-missing">{request.status === 'pending' ? t('biometrics.compare.noProbe') : t('biometrics.compare.probeDeleted')}</p>
                )}
                {candidate.hasImage ? (
                  <ComparedImage src={candidateImageUrl(request.id, candidate.subject)} alt={t('biometrics.image.alt', { reference: candidate.reference })} caption={t('biometrics.compare.galleryCaption', { reference: candidate.reference })} />
                ) : (
                  <p className="muted compare-missing">{t('biometrics.compare.noGalleryImage')}</p>
                )}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The holder's approver decides: confirm on a candidate, disclosing the fields chosen, or reject with a reason. */
export function Decision({ request, onDecided }: { request: StepTwo; onDecided: (request: StepTwo) => void }) {
  return (
    <>
      <ConfirmForm request={request} onDecided={onDecided} />
      <RejectForm request={request} onDecided={onDecided} />
    </>
  );
}

/** A field of the closed list, as every field an agreement names is. */
const isBiographicField = (field: string): field is BiographicField => (BIOGRAPHIC_FIELDS as readonly string[]).includes(field);

/** The candidates a confirmation may name: the one asked about, or any under a hit-only agreement. */
const eligible = (request: StepTwo): HeldCandidate[] => (request.candidates ?? []).filter((candidate) => request.reference === null || candidate.reference === request.reference);

function ConfirmForm({ request, onDecided }: { request: StepTwo; onDecided: (request: StepTwo) => void }) {
  const t = useT();
  const members = useMembers();
  const candidates = eligible(request);
  const [subject, setSubject] = useState(candidates.length === 1 ? (candidates[0]?.subject ?? '') : '');
  // Every field the agreement allows, until the approver unticks some.
  const [fields, setFields] = useState<readonly string[]>(request.fields);
  const { busy, error, setError, run } = useSubmit();
  const requester = <span translate="no">{members.names.get(request.requester) ?? request.requester}</span>;

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!subject) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/subject', detail: t('biometrics.confirm.subjectMissing') }]));
      return;
    }
    const body: StepTwoConfirmInput = { subject, fields: fields.filter(isBiographicField) };
    void run(async () => {
      const decided = await api.post<{ data: StepTwo }>(`${stepTwoPath(request.id)}/confirm`, body);
      onDecided(decided.data);
    });
  };
  return (
    <section className="card step-two-decide" aria-labelledby="confirm-heading">
      <h2 id="confirm-heading" className="card-title">
        {t('biometrics.confirm.title')}
      </h2>
      <p className="hint">{t.rich('biometrics.confirm.hint', { member: requester })}</p>
      <form onSubmit={submit} noValidate aria-label={t('biometrics.confirm.title')}>
        <ErrorAlert error={error} shown={['/subject', '/fields']} />
        <Fieldset legend={t('biometrics.confirm.candidate')} error={error?.fieldError('/subject')}>
          {candidates.length === 0 ? <p className="muted">{t('biometrics.compare.noCandidates')}</p> : null}
          {candidates.map((candidate) => (
            <label key={candidate.subject} className="check">
              <input type="radio" name="confirm-subject" value={candidate.subject} checked={subject === candidate.subject} onChange={() => setSubject(candidate.subject)} />{' '}
              <span translate="no">{candidate.reference}</span> <span className={`status status-band-${candidate.band}`}>{t(BAND_LABEL[candidate.band])}</span>
            </label>
          ))}
        </Fieldset>
        <Fieldset legend={t('biometrics.confirm.fields')} hint={t('biometrics.confirm.fieldsHint')} error={error?.fieldError('/fields')} className="checkbox-grid">
          {request.fields.length === 0 ? <p className="muted">{t('biometrics.agreement.noFields')}</p> : null}
          {request.fields.map((field) => (
            <label key={field} className="check">
              <input
                type="checkbox"
                checked={fields.includes(field)}
                onChange={(event) => setFields(request.fields.filter((item) => (item === field ? event.target.checked : fields.includes(item))))}
              />{' '}
              <Coded labels={BIOGRAPHIC_LABEL} code={field} />
            </label>
          ))}
        </Fieldset>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('biometrics.confirm.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

function RejectForm({ request, onDecided }: { request: StepTwo; onDecided: (request: StepTwo) => void }) {
  const t = useT();
  return (
    <ReasonForm<StepTwo>
      id="reject-heading"
      className="step-two-decide"
      title={t('biometrics.reject.title')}
      label={t('biometrics.reject.reason')}
      hint={t('biometrics.reject.reasonHint')}
      missing={t('biometrics.reject.reasonMissing')}
      submit={t('biometrics.reject.submit')}
      path={`${stepTwoPath(request.id)}/reject`}
      maxLength={2000}
      onDone={onDecided}
    />
  );
}
