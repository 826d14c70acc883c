import { useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { ErrorAlert, Field, Fieldset, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { holdersFor, IMAGE_TYPES, labelIn, MAX_IMAGE_BYTES, PURPOSE_LABEL, REFUSAL_LABEL, type Agreement, type Search, type SearchMetadata } from './api.js';
import { ImageErrorAlert } from './image-error-alert.js';
import { SearchResults } from './search-results.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

const POINTERS = ['/file', '/metadata/agreement', '/metadata/purpose', '/metadata/holders', '/purpose', '/holders'];

/** A one-to-many search with a face image under an agreement in force: hit or no hit per gallery. The probe image is not kept. */
export function SearchPage() {
  const t = useT();
  useTitle(t('biometrics.search.title'));
  const { session } = useSession();
  return (
    <>
      <PageHeader title={t('biometrics.title')} />
      <BiometricsTabs />
      <h2>{t('biometrics.search.title')}</h2>
      {can(session, 'biometrics.search') ? <SearchLoader /> : <p>{t('biometrics.search.notAllowed')}</p>}
    </>
  );
}

function SearchLoader() {
  const t = useT();
  const agreements = useResource<{ data: Agreement[] }>('/biometrics/agreements?status=active');
  if (agreements.error) return <ErrorAlert error={agreements.error} />;
  if (!agreements.data) return <Loading />;
  const usable = agreements.data.data.filter((agreement) => agreement.abilities.search);
  if (usable.length === 0) return <Notice>{t('biometrics.search.noAgreement')}</Notice>;
  return <SearchForm agreements={usable} />;
}

function SearchForm({ agreements }: { agreements: Agreement[] }) {
  const t = useT();
  const { session } = useSession();
  const members = useMembers();
  const asked = useLocation().search.get('agreement');
  const [agreementId, setAgreementId] = useState(agreements.find((agreement) => agreement.id === asked)?.id ?? agreements[0]?.id ?? '');
  const agreement = agreements.find((candidate) => candidate.id === agreementId);
  const [purpose, setPurpose] = useState(agreement?.purposes[0] ?? '');
  const [holders, setHolders] = useState<string[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Search | null>(null);
  // The image the search was made with, sent again if the officer asks for step two from the answer.
  const [searchedWith, setSearchedWith] = useState<File | null>(null);
  const { busy, error, setError, run } = useSubmit();
  const galleries = agreement ? holdersFor(agreement, session.user.member) : [];

  const choose = (id: string): void => {
    const next = agreements.find((candidate) => candidate.id === id);
    setAgreementId(id);
    setPurpose(next?.purposes[0] ?? '');
    setHolders([]);
  };
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (!purpose) problems.push({ pointer: '/metadata/purpose', detail: t('biometrics.search.purposeMissing') });
    if (!file) problems.push({ pointer: '/file', detail: t('biometrics.search.fileMissing') });
    else if (file.size > MAX_IMAGE_BYTES) problems.push({ pointer: '/file', detail: t(REFUSAL_LABEL['too-large']) });
    if (problems.length > 0 || !file) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), problems));
      return;
    }
    // No gallery ticked: every gallery the agreement lets the member search.
    const metadata: SearchMetadata = { agreement: agreementId, purpose: purpose as SearchMetadata['purpose'], ...(holders.length > 0 ? { holders } : {}) };
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);
    setResult(null);
    void run(async () => {
      const answer = await api.post<{ data: Search }>('/biometrics/searches/by-image', form);
      setResult(answer.data);
      setSearchedWith(file);
    });
  };

  // The agreement's own checks name the fields of a search by template (/purpose, /holders/0); a search by image's schema names them under /metadata.
  const fieldError = (name: string): string | undefined => error?.fieldError(`/metadata/${name}`) ?? error?.fieldError(`/${name}`);
  const name = (code: string): string => members.names.get(code) ?? code;
  return (
    <>
      <Notice>{t('biometrics.search.probeNotKept')}</Notice>
      <form onSubmit={submit} noValidate className="document-form search-by-image" aria-label={t('biometrics.search.title')}>
        <ImageErrorAlert error={error} shown={POINTERS} />
        <div className="form-grid">
          <Field label={t('biometrics.search.agreement')} error={fieldError('agreement')}>
            {(props) => (
              <select {...props} value={agreementId} onChange={(event) => choose(event.target.value)}>
                {agreements.map((candidate) => (
                  <option key={candidate.id} value={candidate.id} translate="no">
                    {candidate.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('biometrics.search.purpose')} hint={t('biometrics.search.purposeHint')} error={fieldError('purpose')}>
            {(props) => (
              <select {...props} value={purpose} onChange={(event) => setPurpose(event.target.value)}>
                {(agreement?.purposes ?? []).map((code) => {
                  const label = labelIn(PURPOSE_LABEL, code);
                  return label ? (
                    <option key={code} value={code}>
                      {t(label)}
                    </option>
                  ) : (
                    <option key={code} value={code} translate="no">
                      {code}
                    </option>
                  );
                })}
              </select>
            )}
          </Field>
        </div>
        <Fieldset legend={t('biometrics.search.galleries')} hint={t('biometrics.search.galleriesHint')} error={fieldError('holders')} className="checkbox-grid">
          {galleries.map((holder) => (
            <label key={holder} className="check">
              <input type="checkbox" checked={holders.includes(holder)} onChange={(event) => setHolders(galleries.filter((item) => (item === holder ? event.target.checked : holders.includes(item))))} />{' '}
              <span translate="no">{name(holder)}</span>
            </label>
          ))}
        </Fieldset>
        <Field label={t('biometrics.search.file')} hint={t('biometrics.search.fileHint')} error={error?.fieldError('/file')}>
          {(props) => <input {...props} type="file" accept={IMAGE_TYPES} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('biometrics.search.busy') : t('biometrics.search.submit')}
          </button>
        </div>
      </form>
      {result ? (
        <section className="search-answer" aria-labelledby="search-answer">
          <h2 id="search-answer">{t('biometrics.search.answer')}</h2>
          <SearchResults search={result} names={members.names} probe={searchedWith} onChange={setResult} />
          <p>
            <Link to="/biometrics/searches">{t('biometrics.search.allSearches')}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
