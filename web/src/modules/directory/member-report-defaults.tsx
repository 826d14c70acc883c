import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { draftOf, draftProblem, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
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
  return (
    <section className="panel" aria-labelledby="report-defaults">
      <h2 id="report-defaults">Default sharing of new reports</h2>
      <p className="hint">
        Every new report of {member.name} starts with these; its writer may change them, and an approver sees them before it is shared. Other members do not see
        these settings.
      </p>
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

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setSaved(false);
    void run(async () => {
      await api.put<ReportDefaults>(`/reports/defaults/${encodeURIComponent(member.code)}`, { sharing: toSharing(sharing), countsInRegional });
      setSaved(true);
    });
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Default sharing of new reports">
      <ErrorAlert error={error} shown={sharingPointers(sharing)} />
      <SharingFields value={sharing} onChange={setSharing} members={members.filter((other) => other.code !== member.code)} groups={groups} error={error} />
      <label className="check">
        <input type="checkbox" checked={countsInRegional} onChange={(event) => setCountsInRegional(event.target.checked)} /> New reports count towards regional
        aggregates even where the details are not shared
      </label>
      <WillBeSeenBy sharing={sharing} countsInRegional={countsInRegional} memberName={member.name} members={members} groups={groups} fromDefault={false} />
      {saved ? <Notice tone="success">Saved: new reports start with these.</Notice> : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || draftProblem(sharing) !== null}>
          Save default sharing
        </button>
      </div>
    </form>
  );
}
