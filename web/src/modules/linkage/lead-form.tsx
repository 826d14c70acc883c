import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { DEFAULT_SHARING, draftOf, draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import { allCountries } from '../../../../src/platform/geo/countries.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { leadPath, SUBJECT_LABEL, SUBJECTS, type Lead, type LeadInput, type LeadOne, type Subject } from './api.js';
import { draftOfEntity, EntitiesEditor, entityOf, entityPointers, newEntityDraft, type EntityDraft } from './entities-editor.js';
import { LinkageTabs } from './linkage-tabs.js';
import './linkage.css';

const COUNTRIES = allCountries();

export function LeadNewPage() {
  const t = useT();
  useTitle(t('linkage.leads.new'));
  const { session } = useSession();
  if (!can(session, 'linkage.write')) {
    return (
      <>
        <PageHeader title={t('linkage.leads.new')} />
        <p>{t('linkage.form.notAllowed')}</p>
      </>
    );
  }
  return <LeadFormLoader lead={null} />;
}

export function LeadEditPage({ id }: { id: string }) {
  const lead = useResource<LeadOne>(leadPath(id));
  const t = useT();
  useTitle(lead.data ? t('linkage.form.editTitle', { title: lead.data.data.title }) : t('linkage.form.edit'));
  if (!lead.data) {
    return (
      <>
        <PageHeader title={t('linkage.form.edit')} />
        {lead.error ? <ErrorAlert error={lead.error} /> : <Loading />}
      </>
    );
  }
  if (!lead.data.abilities.update) {
    return (
      <>
        <PageHeader title={t('linkage.form.edit')} />
        <p>{t('linkage.form.ownerOnly')}</p>
      </>
    );
  }
  return <LeadFormLoader lead={lead.data.data} />;
}

function LeadFormLoader({ lead }: { lead: Lead | null }) {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const error = members.error ?? groups.error;
  if (error) return <ErrorAlert error={error} />;
  if (!members.data || !groups.data) return <Loading />;
  return <LeadForm lead={lead} members={members.data.data} groups={groups.data.data} />;
}

/** A lead: what it is about, the entities it names (matched across members' records), and who else may see it (the owner alone unless chosen). */
function LeadForm({ lead, members, groups }: { lead: Lead | null; members: MemberSummary[]; groups: Group[] }) {
  const t = useT();
  const { session } = useSession();
  const [title, setTitle] = useState(lead?.title ?? '');
  const [subject, setSubject] = useState<Subject>(lead?.subject ?? 'person');
  const [country, setCountry] = useState(lead ? (lead.country ?? '') : session.user.member);
  const [narrative, setNarrative] = useState(lead?.narrative ?? '');
  const [entities, setEntities] = useState<EntityDraft[]>(() => (lead ? lead.entities.map((item) => draftOfEntity(item.entity)) : [newEntityDraft()]));
  const [namedInHits, setNamedInHits] = useState(lead?.namedInHits ?? true);
  const [sharing, setSharing] = useState<SharingDraft>(lead ? draftOf(lead.sharing) : DEFAULT_SHARING);
  const { busy, error, setError, run } = useSubmit();
  const back = lead ? leadPath(lead.id) : '/linkage';
  const countryCode = COUNTRIES.some((item) => item.code === country) ? country : '';

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const evaluationProblem = draftProblemId(sharing);
    const problem = !title.trim() ? { pointer: '/title', detail: t('linkage.form.titleMissing') } : evaluationProblem ? { pointer: '/sharing/evaluation', detail: t(evaluationProblem) } : null;
    if (problem) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [problem]));
      return;
    }
    const input: LeadInput = {
      title: title.trim(),
      subject,
      narrative,
      country: countryCode || null,
      // A row left blank is not an entity.
      entities: entities.filter((draft) => Object.values(draft.values).some((value) => value?.trim())).map(entityOf),
      namedInHits,
      sharing: toSharing(sharing),
    };
    void run(async () => {
      const saved = lead ? await api.patch<LeadOne>(leadPath(lead.id), input) : await api.post<LeadOne>('/linkage/leads', input);
      navigate(leadPath(saved.data.id));
    });
  };

  const memberItems = members.filter((member) => member.code !== session.user.member);
  const shown = ['/title', '/subject', '/country', '/narrative', '/namedInHits', ...entityPointers(entities), ...sharingPointers(sharing)];

  return (
    <>
      <PageHeader title={lead ? t.rich('linkage.form.editQuoted', { title: <span translate="no">{lead.title}</span> }) : t('linkage.leads.new')} />
      <LinkageTabs />
      <form onSubmit={submit} noValidate className="document-form lead-form">
        <ErrorAlert error={error} shown={shown} />
        <Field label={t('linkage.lead.field.title')} hint={t('linkage.form.titleHint')} error={error?.fieldError('/title')}>
          {(props) => <input {...props} required maxLength={300} value={title} onChange={(event) => setTitle(event.target.value)} />}
        </Field>
        <div className="form-grid">
          <Field label={t('linkage.lead.field.subject')} error={error?.fieldError('/subject')}>
            {(props) => (
              <select {...props} value={subject} onChange={(event) => setSubject(event.target.value as Subject)}>
                {SUBJECTS.map((value) => (
                  <option key={value} value={value}>
                    {t(SUBJECT_LABEL[value])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('linkage.lead.field.country')} hint={t('linkage.form.countryHint')} error={error?.fieldError('/country')}>
            {(props) => (
              <select {...props} value={countryCode} onChange={(event) => setCountry(event.target.value)}>
                <option value="">{t('linkage.form.noCountry')}</option>
                {COUNTRIES.map((item) => (
                  <option key={item.code} value={item.code} translate="no">
                    {item.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('linkage.lead.field.narrative')} hint={t('linkage.form.narrativeHint')} error={error?.fieldError('/narrative')}>
          {(props) => <textarea {...props} rows={6} value={narrative} onChange={(event) => setNarrative(event.target.value)} />}
        </Field>

        <EntitiesEditor value={entities} onChange={setEntities} country={countryCode} error={error} />

        <label className="check">
          <input type="checkbox" checked={namedInHits} onChange={(event) => setNamedInHits(event.target.checked)} /> {t('linkage.form.namedInHits')}
        </label>
        <p className="hint">{t('linkage.form.namedInHitsHint')}</p>

        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groups} error={error} />
        <p className="hint">{t('linkage.form.sharingHint')}</p>

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : lead ? t('common.saveChanges') : t('linkage.form.save')}
          </button>
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
