import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Loading } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { LEAD_FIELD_LABEL, LEAD_FIELDS, leadPath, requestPath, type DisclosureRequest, type GrantInput, type LeadField, type LeadOne } from './api.js';
import { DisclosedValue } from './parts.js';

type Choice = Readonly<Record<string, readonly LeadField[]>>;

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
  const toggle = (record: string, field: LeadField, on: boolean): void => {
    const current = choice[record] ?? [];
    setChoice({ ...choice, [record]: on ? LEAD_FIELDS.filter((item) => item === field || current.includes(item)) : current.filter((item) => item !== field) });
  };
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const records = request.records.flatMap((id) => ((choice[id] ?? []).length > 0 ? [{ id, fields: [...(choice[id] ?? [])] }] : []));
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
        {request.records.map((id, index) => (
          <RecordChoice key={id} id={id} index={index} chosen={choice[id] ?? []} onToggle={(field, on) => toggle(id, field, on)} />
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

/** One of the holder's matching records: its fields to tick, each with what would be disclosed. */
function RecordChoice({ id, index, chosen, onToggle }: { id: string; index: number; chosen: readonly LeadField[]; onToggle: (field: LeadField, on: boolean) => void }) {
  const t = useT();
  const lead = useResource<LeadOne>(leadPath(id));
  const data = lead.data?.data;
  return (
    <fieldset className="fieldset record-choice">
      <legend>
        {data ? (
          <Link to={leadPath(id)} translate="no">
            {data.title}
          </Link>
        ) : (
          t('linkage.grant.record', { n: index + 1 })
        )}
      </legend>
      {lead.error ? <ErrorAlert error={lead.error} /> : null}
      {LEAD_FIELDS.map((field) => (
        <label key={field} className="check grant-field">
          <input type="checkbox" checked={chosen.includes(field)} onChange={(event) => onToggle(field, event.target.checked)} />
          <span>
            <strong>{t(LEAD_FIELD_LABEL[field])}</strong>
            {data ? (
              <span className="grant-preview">
                <DisclosedValue field={field} value={field === 'entities' ? data.entities.map((item) => item.entity) : data[field]} />
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
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!reason.trim()) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/reason', detail: t('linkage.refuse.reasonMissing') }]));
      return;
    }
    void run(async () => {
      const decided = await api.post<{ data: DisclosureRequest }>(`${requestPath(request.id)}/refuse`, { reason: reason.trim() });
      onDecided(decided.data);
    });
  };
  return (
    <section className="card linkage-section" aria-labelledby="refuse-heading">
      <h2 id="refuse-heading" className="card-title">
        {t('linkage.refuse.title')}
      </h2>
      <form onSubmit={submit} noValidate className="refuse-form">
        <ErrorAlert error={error} shown={['/reason']} />
        <Field label={t('linkage.refuse.reason')} hint={t('linkage.refuse.reasonHint')} error={error?.fieldError('/reason')}>
          {(props) => <textarea {...props} rows={3} maxLength={5000} value={reason} onChange={(event) => setReason(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-danger" disabled={busy}>
            {busy ? t('common.saving') : t('linkage.refuse.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
