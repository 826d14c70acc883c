import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { DateText, Field, Fieldset, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { BAND_LABEL, IMAGE_TYPES, MAX_IMAGE_BYTES, REFUSAL_LABEL, STEP_TWO_STATUS_LABEL, stepTwoPath, type Search, type SearchResult, type StepTwo, type StepTwoMetadata } from './api.js';
import { ImageErrorAlert } from './image-error-alert.js';

const POINTERS = ['/file', '/metadata/reference', '/metadata/note'];

/**
 * Step two from a search's answer, for a gallery that answered hit: the request made about it (a link
 * with its status), or, where the answer's `abilities` allow it, the form that asks the holder to
 * confirm. `probe` is the image the officer searched with, when the page still has it; otherwise the
 * form asks for it again when the agreement shows images.
 */
export function StepTwoAction({ search, result, probe, holderName, onAsked }: { search: Search; result: SearchResult; probe: File | null; holderName: string; onAsked: (search: Search) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [asked, setAsked] = useState<StepTwo | null>(null);
  if (asked) return <Asked request={asked} holderName={holderName} />;
  if (result.stepTwo) {
    return (
      <p className="step-two-link">
        <Link to={stepTwoPath(result.stepTwo.id)}>{t('biometrics.ask.requestMade')}</Link>{' '}
        <span className={`status status-step-two-${result.stepTwo.status}`}>{t(STEP_TWO_STATUS_LABEL[result.stepTwo.status])}</span>
      </p>
    );
  }
  if (!result.abilities.askStepTwo) return null;
  if (!open) {
    return (
      <div className="actions step-two-ask">
        <button type="button" className="button-secondary" aria-expanded={false} onClick={() => setOpen(true)}>
          {t('biometrics.ask.open')}
        </button>
      </div>
    );
  }
  return (
    <AskForm
      search={search}
      result={result}
      probe={probe}
      holderName={holderName}
      onCancel={() => setOpen(false)}
      onAsked={(request) => {
        setAsked(request);
        onAsked({
          ...search,
          results: search.results.map((item) => (item.holder === result.holder ? { ...item, stepTwo: { id: request.id, status: request.status }, abilities: { askStepTwo: false } } : item)),
        });
      }}
    />
  );
}

function AskForm({ search, result, probe, holderName, onCancel, onAsked }: { search: Search; result: SearchResult; probe: File | null; holderName: string; onCancel: () => void; onAsked: (request: StepTwo) => void }) {
  const t = useT();
  // Under a hit-only agreement the searcher names no candidate: the holder compares all of its own.
  const [reference, setReference] = useState(result.candidates[0]?.reference ?? '');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const { busy, error, setError, run } = useSubmit();
  const image = search.stepTwoImages ? (probe ?? file) : null;

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (image && image.size > MAX_IMAGE_BYTES) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/file', detail: t(REFUSAL_LABEL['too-large']) }]));
      return;
    }
    const metadata: StepTwoMetadata = { search: search.id, holder: result.holder, ...(reference ? { reference } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    if (image) form.append('file', image, image.name);
    void run(async () => {
      const answer = await api.post<{ data: StepTwo }>('/biometrics/step-two', form);
      onAsked(answer.data);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="step-two-form" aria-label={t('biometrics.ask.formOf', { member: holderName })}>
      <h3 className="step-two-form-title">{t.rich('biometrics.ask.title', { member: <span translate="no">{holderName}</span> })}</h3>
      <p className="hint">{t('biometrics.ask.hint')}</p>
      <ImageErrorAlert error={error} shown={POINTERS} />
      {result.candidates.length > 0 ? (
        <Fieldset legend={t('biometrics.ask.candidate')} error={error?.fieldError('/metadata/reference')}>
          {result.candidates.map((candidate) => (
            <label key={candidate.reference} className="check">
              <input type="radio" name={`candidate-${search.id}-${result.holder}`} value={candidate.reference} checked={reference === candidate.reference} onChange={() => setReference(candidate.reference)} />{' '}
              <span translate="no">{candidate.reference}</span> <span className={`status status-band-${candidate.band}`}>{t(BAND_LABEL[candidate.band])}</span>
            </label>
          ))}
        </Fieldset>
      ) : (
        <p className="hint">{t('biometrics.ask.allCandidates')}</p>
      )}
      {!search.stepTwoImages ? (
        <p className="hint">{t('biometrics.ask.noImages')}</p>
      ) : probe ? (
        <p className="hint">{t.rich('biometrics.ask.probeAttached', { name: <span translate="no">{probe.name}</span> })}</p>
      ) : (
        <Field label={t('biometrics.ask.file')} hint={t('biometrics.ask.fileHint')} error={error?.fieldError('/file')}>
          {(props) => <input {...props} type="file" accept={IMAGE_TYPES} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
        </Field>
      )}
      <Field label={t('biometrics.ask.note')} hint={t('biometrics.ask.noteHint')} error={error?.fieldError('/metadata/note')}>
        {(props) => <textarea {...props} rows={3} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('biometrics.ask.busy') : t('biometrics.ask.submit')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The answer to a request just made: its deadline, and whether the image sent is the one searched with. */
function Asked({ request, holderName }: { request: StepTwo; holderName: string }) {
  const t = useT();
  return (
    <Notice tone={request.probeVerified === false ? 'warning' : 'success'}>
      <p>{t.rich('biometrics.ask.done', { member: <span translate="no">{holderName}</span>, due: <DateText value={request.dueAt} withTime /> })}</p>
      <ProbeVerified request={request} />
      <p>
        <Link to={stepTwoPath(request.id)}>{t('biometrics.ask.openRequest')}</Link>
      </p>
    </Notice>
  );
}

/** Whether the probe image sent with a request gives the template that was searched, in words for either side. */
export function ProbeVerified({ request }: { request: Pick<StepTwo, 'images' | 'probeVerified' | 'side'> }) {
  const t = useT();
  if (!request.images) return null;
  if (request.probeVerified === null) return <p className="probe-verified">{t('biometrics.probe.none')}</p>;
  if (request.probeVerified) return <p className="probe-verified probe-verified-yes">{request.side === 'holder' ? t('biometrics.probe.verifiedHolder') : t('biometrics.probe.verified')}</p>;
  return (
    <p className="probe-verified probe-verified-no">
      <strong>{request.side === 'holder' ? t('biometrics.probe.notVerifiedHolder') : t('biometrics.probe.notVerified')}</strong>
    </p>
  );
}
