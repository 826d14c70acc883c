import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { draftOf, draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { WillBeSeenBy, type ReportDefaults } from '../reports/report-sharing.js';
import type { Group, Member, MemberSummary } from './api.js';

/**
 * A member's default sharing for its new reports, on its own page: its member-admins set it, and the
 * new-report form starts from it. Another member never sees it (the API answers 404).
 */
export function MemberReportDefaults({ member }: { member: Member }) {
  const defaults = useResource<ReportDefaults>(`/reports/defaults/${encodeURIComponent(member.code)}`);
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const error = defaults.error ?? members.error ?? groups.error;
  const t = useT();
  return (
    <section className="panel" aria-labelledby="report-defaults">
      <h2 id="report-defaults">{t('directory.reportDefaults.title')}</h2>
      <p className="hint">{t.rich('directory.reportDefaults.intro', { member: <span translate="no">{member.name}</span> })}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {defaults.data && members.data && groups.data ? (
        <DefaultsForm member={member} defaults={defaults.data.data} members={members.data.data} groups={groups.data.data} />
      ) : error ? null : (
        <Loading />
      )}
    </section>
  );
}

function DefaultsForm(props: { member: Member; defaults: ReportDefaults['data']; members: MemberSummary[]; groups: Group[] }) {
  const { member, defaults, members, groups } = props;
  const [sharing, setSharing] = useState<SharingDraft>(() => draftOf(defaults.sharing));
  const [countsInRegional, setCountsInRegional] = useState(defaults.countsInRegional);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useSubmit();
  const t = useT();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setSaved(false);
    void run(async () => {
      await api.put<ReportDefaults>(`/reports/defaults/${encodeURIComponent(member.code)}`, { sharing: toSharing(sharing), countsInRegional });
      setSaved(true);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={t('directory.reportDefaults.title')}>
      <ErrorAlert error={error} shown={sharingPointers(sharing)} />
      <SharingFields value={sharing} onChange={setSharing} members={members.filter((other) => other.code !== member.code)} groups={groups} error={error} />
      <label className="check">
        <input type="checkbox" checked={countsInRegional} onChange={(event) => setCountsInRegional(event.target.checked)} />{' '}
        {t('directory.reportDefaults.countsInRegional')}
      </label>
      {/* The reports module's summary of who will see a report: its words come with that module's conversion. */}
      <div data-i18n-pending="reports">
        <WillBeSeenBy sharing={sharing} countsInRegional={countsInRegional} memberName={member.name} members={members} groups={groups} fromDefault={false} />
      </div>
      {saved ? <Notice tone="success">{t('directory.reportDefaults.saved')}</Notice> : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || draftProblemId(sharing) !== null}>
          {t('directory.reportDefaults.save')}
        </button>
      </div>
    </form>
  );
}
