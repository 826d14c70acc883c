import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberOne, MemberSummary } from '../directory/api.js';
import type { CodeLists, Report, ReportOne } from './api.js';
import { ReportForm } from './report-form.js';
import { useT } from '../../i18n/index.js';
import type { ReportDefaults } from './report-sharing.js';

/** The pages of the report form: a new report and an edit, each loading what the form needs first. */

export function ReportNewPage() {
  const t = useT();
  useTitle(t('reports.form.newTitle'));
  const { session } = useSession();
  if (!can(session, 'reports.write')) {
    return (
      <>
        <PageHeader title={t('reports.form.newTitle')} />
        <p>{t('reports.form.notAllowed')}</p>
      </>
    );
  }
  return <ReportFormLoader report={null} />;
}

export function ReportEditPage({ id }: { id: string }) {
  const report = useResource<ReportOne>(`/reports/${encodeURIComponent(id)}`);
  const t = useT();
  useTitle(t('reports.form.editTitle'));
  if (!report.data) {
    return (
      <>
        <PageHeader title={t('reports.form.editTitle')} />
        {report.error ? <ErrorAlert error={report.error} /> : <Loading />}
      </>
    );
  }
  if (!report.data.abilities.update) {
    return (
      <>
        <PageHeader title={t('reports.form.editTitle')} />
        <p>{t('reports.form.notOwner')}</p>
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
