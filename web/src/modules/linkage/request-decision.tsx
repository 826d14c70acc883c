import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ReasonForm } from '../../components/reason-form.js';
import { ErrorAlert, Loading } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { leadPath, recordPath, requestPath, type DisclosureRequest, type GrantInput, type HeldRecord, type LeadOne } from './api.js';
import { DisclosedValue } from './parts.js';

type Choice = Readonly<Record<string, readonly string[]>>;

/**
 * The holder's decision on a pending request: grant chosen fields of its matching records, shared
 * as it chooses (the asker at least), or refuse with a reason. Shown only where the request's
 * abilities allow it.
 */
export function Decision({ request, onDecided }: { request: DisclosureRequest; onDecided: (request: DisclosureRequest) => void }) {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const error = members.error ?? groups.error;
  if (error) return <ErrorAlert error={error} />;
  if (!members.data || !groups.data) return <Loading />;
  return (
    <>
      {request.abilities.grant ? <GrantForm request={request} members={members.data.data} groups={groups.data.data} onDecided={onDecided} /> : null}
      {request.abilities.refuse ? <RefuseForm request={request} onDecided={onDecided} /> : null}
    </>
  );
}

function GrantForm({ request, members, groups, onDecided }: { request: DisclosureRequest; members: MemberSummary[]; groups: Group[]; onDecided: (request: DisclosureRequest) => void }) {
  const t = useT();
  const { session } = useSession();
  const [choice, setChoice] = useState<Choice>({});
  // Shared with the member that asked, by default; the server refuses sharing that leaves it out.
  const [sharing, setSharing] = useState<SharingDraft>({ kind: 'members', members: request.member ? [request.member] : [], groups: [], tlp: 'AMBER', handling: [], handlingNote: '', source: '', information: '' });
  const { busy, error, setError, run } = useSubmit();
  const toggle = (record: HeldRecord, field: string, on: boolean): void => {
    const current = choice[record.id] ?? [];
    // In the record type's order, as the API lists its fields.
    const names = record.fields.map((item) => item.name);
    setChoice({ ...choice, [record.id]: on ? names.filter((item) => item === field || current.includes(item)) : current.filter((item) => item !== field) });
  };
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const records = request.records.flatMap(({ id }) => ((choice[id] ?? []).length > 0 ? [{ id, fields: [...(choice[id] ?? [])] }] : []));
    const sharingProblem = draftProblemId(sharing);
    const problem = records.length === 0 ? { pointer: '/records', detail: t('linkage.grant.nothingChosen') } : sharingProblem ? { pointer: '/sharing/evaluation', detail: t(sharingProblem) } : null;
    if (problem) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [problem]));
      return;
    }
    const body: GrantInput = { records, sharing: toSharing(sharing) };
    void run(async () => {
      const decided = await api.post<{ data: DisclosureRequest }>(`${requestPath(request.id)}/grant`, body);
      onDecided(decided.data);
    });
  };
  const memberItems = members.filter((member) => member.code !== session.user.member);
  return (
    <section className="card linkage-section" aria-labelledby="grant-heading">
      <h2 id="grant-heading" className="card-title">
        {t('linkage.grant.title')}
      </h2>
      <p className="hint">{t('linkage.grant.hint')}</p>
      <form onSubmit={submit} noValidate className="grant-form">
        <ErrorAlert error={error} shown={['/records', ...sharingPointers(sharing)]} />
        {error?.fieldError('/records') ? <p className="field-error">{error.fieldError('/records')}</p> : null}
        {request.records.map((record) => (
          <RecordChoice key={record.id} record={record} chosen={choice[record.id] ?? []} onToggle={(field, on) => toggle(record, field, on)} />
        ))}
        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groups} error={error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('linkage.grant.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * One of the holder's matching records, named by its label: a box to tick for each field its record
 * type lets the holder disclose (from the API); a lead also shows what each field would disclose.
 */
function RecordChoice({ record, chosen, onToggle }: { record: HeldRecord; chosen: readonly string[]; onToggle: (field: string, on: boolean) => void }) {
  const t = useT();
  const isLead = record.module === 'linkage' && record.recordType === 'lead';
  const lead = useResource<LeadOne>(isLead ? leadPath(record.id) : null);
  const data = lead.data?.data;
  const path = recordPath(record);
  const preview = (field: string): unknown => {
    if (!data) return undefined;
    if (field === 'entities') return data.entities.map((item) => item.entity);
    return (data as Readonly<Record<string, unknown>>)[field];
  };
  return (
    <fieldset className="fieldset record-choice">
      <legend>
        {path ? (
          <Link to={path} translate="no">
            {record.label}
          </Link>
        ) : (
          <span translate="no">{record.label}</span>
        )}
      </legend>
      {lead.error ? <ErrorAlert error={lead.error} /> : null}
      {record.fields.length === 0 ? <p className="hint">{t('linkage.grant.nothingDisclosable')}</p> : null}
      {record.fields.map((field) => (
        <label key={field.name} className="check grant-field">
          <input type="checkbox" checked={chosen.includes(field.name)} onChange={(event) => onToggle(field.name, event.target.checked)} />
          <span>
            <strong translate="no">{field.label}</strong>
            {data ? (
              <span className="grant-preview">
                <DisclosedValue field={field.name} value={preview(field.name)} />
              </span>
            ) : null}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function RefuseForm({ request, onDecided }: { request: DisclosureRequest; onDecided: (request: DisclosureRequest) => void }) {
  const t = useT();
  return (
    <ReasonForm<DisclosureRequest>
      id="refuse-heading"
      className="linkage-section"
      title={t('linkage.refuse.title')}
      label={t('linkage.refuse.reason')}
      hint={t('linkage.refuse.reasonHint')}
      missing={t('linkage.refuse.reasonMissing')}
      submit={t('linkage.refuse.submit')}
      path={`${requestPath(request.id)}/refuse`}
      maxLength={5000}
      onDone={onDecided}
    />
  );
}
