import { useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { Field } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { BIOGRAPHIC_FIELDS, BIOGRAPHIC_LABEL, IMAGE_TYPES, MAX_IMAGE_BYTES, REFUSAL_LABEL, subjectPath, type Biographic, type BiographicField, type Subject, type SubjectMetadata } from './api.js';
import { ImageErrorAlert } from './image-error-alert.js';
import { SubjectImage } from './subject-image.js';

const POINTERS = ['/file', '/metadata/reference', '/metadata/retainUntil', '/metadata/biographic'];

/**
 * Enrolment of one subject from a face image: the image, the member's reference, optional
 * biographic fields for step two and a retention date, sent as multipart (`metadata` + `file`).
 * The answer's face is outlined on the image the gallery kept; a refused image is said in words.
 */
export function EnrolForm({ onEnrolled }: { onEnrolled: () => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [reference, setReference] = useState('');
  const [retainUntil, setRetainUntil] = useState('');
  const [biographic, setBiographic] = useState<Partial<Record<BiographicField, string>>>({});
  // A new key empties the file input after an enrolment.
  const [generation, setGeneration] = useState(0);
  const [enrolled, setEnrolled] = useState<Subject | null>(null);
  const { busy, error, setError, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (!file) problems.push({ pointer: '/file', detail: t('biometrics.enrol.fileMissing') });
    else if (file.size > MAX_IMAGE_BYTES) problems.push({ pointer: '/file', detail: t(REFUSAL_LABEL['too-large']) });
    if (!reference.trim()) problems.push({ pointer: '/metadata/reference', detail: t('biometrics.enrol.referenceMissing') });
    if (problems.length > 0 || !file) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), problems));
      return;
    }
    const filled = Object.fromEntries(Object.entries(biographic).flatMap(([field, value]) => (value?.trim() ? [[field, value.trim()]] : []))) as Biographic;
    const metadata: SubjectMetadata = { reference: reference.trim(), ...(Object.keys(filled).length > 0 ? { biographic: filled } : {}), ...(retainUntil ? { retainUntil } : {}) };
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);
    setEnrolled(null);
    void run(async () => {
      const answer = await api.post<{ data: Subject }>('/biometrics/subjects/from-image', form);
      setEnrolled(answer.data);
      setFile(null);
      setReference('');
      setRetainUntil('');
      setBiographic({});
      setGeneration((value) => value + 1);
      onEnrolled();
    });
  };

  // A reference already in the gallery is said at its field.
  const duplicate = error?.status === 409 ? error.detail : undefined;
  return (
    <section className="panel" aria-labelledby="enrol-heading">
      <h2 id="enrol-heading">{t('biometrics.enrol.title')}</h2>
      <p className="hint">{t('biometrics.enrol.hint')}</p>
      <form onSubmit={submit} noValidate className="enrol-form" aria-label={t('biometrics.enrol.title')}>
        <ImageErrorAlert error={duplicate ? undefined : error} shown={POINTERS} />
        <Field label={t('biometrics.enrol.file')} hint={t('biometrics.enrol.fileHint')} error={error?.fieldError('/file')}>
          {(props) => <input key={generation} {...props} type="file" accept={IMAGE_TYPES} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
        </Field>
        <div className="form-grid">
          <Field label={t('biometrics.enrol.reference')} hint={t('biometrics.enrol.referenceHint')} error={duplicate ?? error?.fieldError('/metadata/reference')}>
            {(props) => <input {...props} required maxLength={100} value={reference} onChange={(event) => setReference(event.target.value)} />}
          </Field>
          <Field label={t('biometrics.enrol.retainUntil')} hint={t('biometrics.enrol.retainUntilHint')} error={error?.fieldError('/metadata/retainUntil')}>
            {(props) => <input {...props} type="date" value={retainUntil} onChange={(event) => setRetainUntil(event.target.value)} />}
          </Field>
        </div>
        <details className="subform" open={Boolean(error?.errors.some((item) => item.pointer.startsWith('/metadata/biographic')))}>
          <summary>{t('biometrics.enrol.biographic')}</summary>
          <p className="hint">{t('biometrics.enrol.biographicHint')}</p>
          <div className="form-grid">
            {BIOGRAPHIC_FIELDS.map((field) => (
              <Field key={field} label={t(BIOGRAPHIC_LABEL[field])} error={error?.fieldError(`/metadata/biographic/${field}`)} className={field === 'remarks' ? 'enrol-remarks' : undefined}>
                {(props) =>
                  field === 'remarks' ? (
                    <textarea {...props} rows={3} maxLength={2000} value={biographic[field] ?? ''} onChange={(event) => setBiographic({ ...biographic, [field]: event.target.value })} />
                  ) : (
                    <input {...props} maxLength={200} value={biographic[field] ?? ''} onChange={(event) => setBiographic({ ...biographic, [field]: event.target.value })} />
                  )
                }
              </Field>
            ))}
          </div>
        </details>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('biometrics.enrol.busy') : t('biometrics.enrol.submit')}
          </button>
        </div>
      </form>
      {enrolled ? (
        <div className="enrolled" role="status" aria-labelledby="enrolled-heading">
          <h3 id="enrolled-heading">{t.rich('biometrics.enrol.done', { reference: <span translate="no">{enrolled.reference}</span> })}</h3>
          <SubjectImage id={enrolled.id} reference={enrolled.reference} face={enrolled.face} />
          <p>
            <Link to={subjectPath(enrolled.id)}>{t('biometrics.enrol.open')}</Link>
          </p>
        </div>
      ) : null}
    </section>
  );
}
