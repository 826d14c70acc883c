import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Fieldset, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { DocumentsTabs, TypeSelect } from './documents-check.js';
import { DOCUMENT_STATUS_LABEL, DOCUMENT_STATUSES, type DocumentInput, type DocumentOne, type DocumentStatus, type DocumentType } from './api.js';

/** The default: every full member sees the register, TLP:GREEN. */
const REGISTER_SHARING: SharingDraft = { kind: 'all', members: [], groups: [], tlp: 'GREEN', handling: [], handlingNote: '', source: '', information: '' };

const FIELDS = ['/type', '/number', '/status', '/reportedOn', '/lostOn', '/issuedOn', '/expiresOn', '/place', '/remarks', '/holder'];

/** Adds a document of the user's member to the register. */
export function TravelDocumentNewPage() {
  const t = useT();
  useTitle(t('documents.form.title'));
  const { session } = useSession();
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  if (!can(session, 'documents.write')) {
    return (
      <>
        <PageHeader title={t('documents.form.title')} />
        <DocumentsTabs />
        <p>{t('documents.form.notAllowed')}</p>
      </>
    );
  }
  const error = members.error ?? groups.error;
  if (error || !members.data || !groups.data) {
    return (
      <>
        <PageHeader title={t('documents.form.title')} />
        {error ? <ErrorAlert error={error} /> : <Loading />}
      </>
    );
  }
  return <TravelDocumentForm members={members.data.data} groups={groups.data.data} />;
}

function TravelDocumentForm({ members, groups }: { members: MemberSummary[]; groups: Group[] }) {
  const t = useT();
  const { session } = useSession();
  const [type, setType] = useState<DocumentType>('passport');
  const [number, setNumber] = useState('');
  const [status, setStatus] = useState<DocumentStatus>('stolen');
  const [dates, setDates] = useState({ reportedOn: new Date().toISOString().slice(0, 10), lostOn: '', issuedOn: '', expiresOn: '' });
  const [place, setPlace] = useState('');
  const [remarks, setRemarks] = useState('');
  const [holder, setHolder] = useState({ surname: '', givenNames: '', nationality: '', birthDate: '', sex: '' });
  const [sharing, setSharing] = useState<SharingDraft>(REGISTER_SHARING);
  const { busy, error, setError, run } = useSubmit();

  const memberItems = members.filter((member) => member.code !== session.user.member).map((member) => ({ code: member.code, name: member.name }));
  const groupItems = groups.filter((group) => group.members.includes(session.user.member)).map((group) => ({ code: group.code, name: group.name }));

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const problem = draftProblemId(sharing);
    if (problem) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/sharing/evaluation', detail: t(problem) }]));
      return;
    }
    void run(async () => {
      const input: DocumentInput = { type, number: number.trim(), status, sharing: toSharing(sharing) };
      for (const [key, value] of Object.entries(dates) as [keyof typeof dates, string][]) if (value) input[key] = value;
      if (place.trim()) input.place = place.trim();
      if (remarks.trim()) input.remarks = remarks.trim();
      const person: NonNullable<DocumentInput['holder']> = {};
      if (holder.surname.trim()) person.surname = holder.surname.trim();
      if (holder.givenNames.trim()) person.givenNames = holder.givenNames.trim();
      if (holder.nationality.trim()) person.nationality = holder.nationality.trim().toUpperCase();
      if (holder.birthDate) person.birthDate = holder.birthDate;
      if (holder.sex === 'F' || holder.sex === 'M' || holder.sex === 'X') person.sex = holder.sex;
      if (Object.keys(person).length > 0) input.holder = person;
      const created = await api.post<DocumentOne>('/documents', input);
      navigate(`/documents/register/${encodeURIComponent(created.data.id)}`);
    });
  };
  const date = (key: keyof typeof dates, label: string, hint?: string) => (
    <Field label={label} hint={hint} error={error?.fieldError(`/${key}`)}>
      {(props) => <input {...props} type="date" value={dates[key]} onChange={(event) => setDates((current) => ({ ...current, [key]: event.target.value }))} />}
    </Field>
  );

  return (
    <>
      <PageHeader title={t('documents.form.title')} />
      <DocumentsTabs />
      <p>
        <Link to="/documents/register">{t('documents.register.back')}</Link>
      </p>
      <form onSubmit={submit} noValidate aria-label={t('documents.form.title')} className="document-form">
        <p className="hint">{t.rich('documents.form.intro', { member: <span translate="no">{session.user.memberName}</span> })}</p>
        <div className="form-grid">
          <Field label={t('documents.field.type')} error={error?.fieldError('/type')}>
            {(props) => <TypeSelect props={props} value={type} onChange={(value) => setType(value as DocumentType)} />}
          </Field>
          <Field label={t('documents.field.number')} hint={t('documents.form.numberHint')} error={error?.fieldError('/number')}>
            {(props) => <input {...props} value={number} required spellCheck={false} autoComplete="off" onChange={(event) => setNumber(event.target.value)} />}
          </Field>
          <Field label={t('documents.field.status')} error={error?.fieldError('/status')}>
            {(props) => (
              <select {...props} value={status} onChange={(event) => setStatus(event.target.value as DocumentStatus)}>
                {DOCUMENT_STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {t(DOCUMENT_STATUS_LABEL[value])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {date('reportedOn', t('documents.field.reportedOn'))}
          {date('lostOn', t('documents.field.lostOn'))}
          {date('issuedOn', t('documents.field.issuedOn'))}
          {date('expiresOn', t('documents.field.expiresOn'))}
          <Field label={t('documents.field.place')} hint={t('documents.form.placeHint')} error={error?.fieldError('/place')}>
            {(props) => <input {...props} value={place} maxLength={200} onChange={(event) => setPlace(event.target.value)} />}
          </Field>
        </div>
        <Field label={t('documents.field.remarks')} error={error?.fieldError('/remarks')}>
          {(props) => <textarea {...props} rows={2} maxLength={2000} value={remarks} onChange={(event) => setRemarks(event.target.value)} />}
        </Field>
        <Fieldset legend={t('documents.form.holder')} hint={t('documents.form.holderHint')} error={error?.fieldError('/holder')}>
          <div className="form-grid">
            <Field label={t('documents.form.surname')} error={error?.fieldError('/holder/surname')}>
              {(props) => <input {...props} value={holder.surname} onChange={(event) => setHolder({ ...holder, surname: event.target.value })} />}
            </Field>
            <Field label={t('documents.form.givenNames')} error={error?.fieldError('/holder/givenNames')}>
              {(props) => <input {...props} value={holder.givenNames} onChange={(event) => setHolder({ ...holder, givenNames: event.target.value })} />}
            </Field>
            <Field label={t('documents.form.nationality')} hint={t('documents.form.nationalityHint')} error={error?.fieldError('/holder/nationality')}>
              {(props) => <input {...props} value={holder.nationality} maxLength={3} onChange={(event) => setHolder({ ...holder, nationality: event.target.value })} />}
            </Field>
            <Field label={t('documents.form.birthDate')} error={error?.fieldError('/holder/birthDate')}>
              {(props) => <input {...props} type="date" value={holder.birthDate} onChange={(event) => setHolder({ ...holder, birthDate: event.target.value })} />}
            </Field>
            <Field label={t('documents.form.sex')} error={error?.fieldError('/holder/sex')}>
              {(props) => (
                <select {...props} value={holder.sex} onChange={(event) => setHolder({ ...holder, sex: event.target.value })}>
                  <option value="">{t('documents.form.sexNotGiven')}</option>
                  <option value="F">{t('documents.form.sexF')}</option>
                  <option value="M">{t('documents.form.sexM')}</option>
                  <option value="X">{t('documents.form.sexX')}</option>
                </select>
              )}
            </Field>
          </div>
        </Fieldset>
        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groupItems} error={error} />
        <ErrorAlert error={error} shown={[...FIELDS, ...sharingPointers(sharing)]} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('documents.form.submit')}
          </button>
          <Link to="/documents/register">{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
