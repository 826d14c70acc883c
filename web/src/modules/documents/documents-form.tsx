import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { draftProblem, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Fieldset, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { DocumentsTabs, TypeSelect } from './documents-check.js';
import { DOCUMENT_STATUS_LABELS, DOCUMENT_STATUSES, type DocumentInput, type DocumentOne, type DocumentStatus, type DocumentType } from './api.js';

/** The default: every full member sees the register, TLP:GREEN. */
const REGISTER_SHARING: SharingDraft = { kind: 'all', members: [], groups: [], tlp: 'GREEN', handling: [], handlingNote: '', source: '', information: '' };

const FIELDS = ['/type', '/number', '/status', '/reportedOn', '/lostOn', '/issuedOn', '/expiresOn', '/place', '/remarks', '/holder'];

/** Adds a document of the user's member to the register. */
export function TravelDocumentNewPage() {
  useTitle('Add a travel document');
  const { session } = useSession();
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  if (!can(session, 'documents.write')) {
    return (
      <>
        <PageHeader title="Add a travel document" />
        <DocumentsTabs />
        <p>Your role does not allow changes to the register.</p>
      </>
    );
  }
  const error = members.error ?? groups.error;
  if (error || !members.data || !groups.data) {
    return (
      <>
        <PageHeader title="Add a travel document" />
        {error ? <ErrorAlert error={error} /> : <Loading />}
      </>
    );
  }
  return <TravelDocumentForm members={members.data.data} groups={groups.data.data} />;
}

function TravelDocumentForm({ members, groups }: { members: MemberSummary[]; groups: Group[] }) {
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
    const problem = draftProblem(sharing);
    if (problem) {
      setError(new ApiError(400, 'Invalid request', 'Check the field marked below.', [{ pointer: '/sharing/evaluation', detail: problem }]));
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
      <PageHeader title="Add a travel document" />
      <DocumentsTabs />
      <p>
        <Link to="/documents/register">← Our register</Link>
      </p>
      <form onSubmit={submit} noValidate aria-label="Add a travel document" className="document-form">
        <p className="hint">
          A document {session.user.memberName} issued. It hits in every member’s checks as soon as it is saved; holder details are disclosed only to a member with a hit on it
          (step two).
        </p>
        <div className="form-grid">
          <Field label="Document type" error={error?.fieldError('/type')}>
            {(props) => <TypeSelect props={props} value={type} onChange={(value) => setType(value as DocumentType)} />}
          </Field>
          <Field label="Document number" hint="As printed; spaces and hyphens are dropped." error={error?.fieldError('/number')}>
            {(props) => <input {...props} value={number} required spellCheck={false} autoComplete="off" onChange={(event) => setNumber(event.target.value)} />}
          </Field>
          <Field label="Status" error={error?.fieldError('/status')}>
            {(props) => (
              <select {...props} value={status} onChange={(event) => setStatus(event.target.value as DocumentStatus)}>
                {DOCUMENT_STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {DOCUMENT_STATUS_LABELS[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {date('reportedOn', 'Reported on')}
          {date('lostOn', 'Lost or stolen on')}
          {date('issuedOn', 'Issued on')}
          {date('expiresOn', 'Expires on')}
          <Field label="Place" hint="Where it was lost, stolen or seized" error={error?.fieldError('/place')}>
            {(props) => <input {...props} value={place} maxLength={200} onChange={(event) => setPlace(event.target.value)} />}
          </Field>
        </div>
        <Field label="Remarks" error={error?.fieldError('/remarks')}>
          {(props) => <textarea {...props} rows={2} maxLength={2000} value={remarks} onChange={(event) => setRemarks(event.target.value)} />}
        </Field>
        <Fieldset legend="Holder (optional)" hint="Disclosed only in step two, to a member whose check hit this document." error={error?.fieldError('/holder')}>
          <div className="form-grid">
            <Field label="Surname" error={error?.fieldError('/holder/surname')}>
              {(props) => <input {...props} value={holder.surname} onChange={(event) => setHolder({ ...holder, surname: event.target.value })} />}
            </Field>
            <Field label="Given names" error={error?.fieldError('/holder/givenNames')}>
              {(props) => <input {...props} value={holder.givenNames} onChange={(event) => setHolder({ ...holder, givenNames: event.target.value })} />}
            </Field>
            <Field label="Nationality" hint="ICAO code, e.g. MYS" error={error?.fieldError('/holder/nationality')}>
              {(props) => <input {...props} value={holder.nationality} maxLength={3} onChange={(event) => setHolder({ ...holder, nationality: event.target.value })} />}
            </Field>
            <Field label="Date of birth" error={error?.fieldError('/holder/birthDate')}>
              {(props) => <input {...props} type="date" value={holder.birthDate} onChange={(event) => setHolder({ ...holder, birthDate: event.target.value })} />}
            </Field>
            <Field label="Sex" error={error?.fieldError('/holder/sex')}>
              {(props) => (
                <select {...props} value={holder.sex} onChange={(event) => setHolder({ ...holder, sex: event.target.value })}>
                  <option value="">Not given</option>
                  <option value="F">F</option>
                  <option value="M">M</option>
                  <option value="X">X (unspecified)</option>
                </select>
              )}
            </Field>
          </div>
        </Fieldset>
        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groupItems} error={error} />
        <ErrorAlert error={error} shown={[...FIELDS, ...sharingPointers(sharing)]} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Add to the register'}
          </button>
          <Link to="/documents/register">Cancel</Link>
        </div>
      </form>
    </>
  );
}
