import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberOne, MemberSummary } from '../directory/api.js';
import type { CodeLists, Report, ReportOne } from './api.js';
import { ReportForm } from './report-form.js';
import type { ReportDefaults } from './report-sharing.js';

/** The pages of the report form: a new report and an edit, each loading what the form needs first. */

export function ReportNewPage() {
  useTitle('New report');
  const { session } = useSession();
  if (!can(session, 'reports.write')) {
    return (
      <>
        <PageHeader title="New report" />
        <p>Your role does not allow writing reports.</p>
      </>
    );
  }
  return <ReportFormLoader report={null} />;
}

export function ReportEditPage({ id }: { id: string }) {
  const report = useResource<ReportOne>(`/reports/${encodeURIComponent(id)}`);
  useTitle('Edit report');
  if (!report.data) {
    return (
      <>
        <PageHeader title="Edit report" />
        {report.error ? <ErrorAlert error={report.error} /> : <Loading />}
      </>
    );
  }
  if (!report.data.abilities.update) {
    return (
      <>
        <PageHeader title="Edit report" />
        <p>Only the member that owns this report changes it, and not once it is withdrawn.</p>
      </>
    );
  }
  return <ReportFormLoader report={report.data.data} />;
}

function ReportFormLoader({ report }: { report: Report | null }) {
  const { session } = useSession();
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const member = useResource<MemberOne>(`/members/${encodeURIComponent(session.user.member)}`);
  // A new report starts from its member's default sharing (set on the member's page).
  const defaults = useResource<ReportDefaults>(report ? null : `/reports/defaults/${encodeURIComponent(session.user.member)}`);
  const error = lists.error ?? members.error ?? groups.error ?? member.error ?? defaults.error;
  if (error) return <ErrorAlert error={error} />;
  if (!lists.data || !members.data || !groups.data || !member.data || (!report && !defaults.data)) return <Loading />;
  return (
    <ReportForm
      report={report}
      defaults={defaults.data?.data ?? null}
      lists={lists.data}
      members={members.data.data}
      groups={groups.data.data}
      agencies={member.data.data.agencies}
      memberName={member.data.data.name}
    />
  );
}
