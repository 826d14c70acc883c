import type { ReactNode } from 'react';
import { PageHeader } from './components/ui.js';
import { AccountPage } from './pages/account.js';
import { AuditPage } from './pages/audit.js';
import { DocumentsCheckPage } from './pages/documents-check.js';
import { TravelDocumentPage } from './pages/documents-document.js';
import { TravelDocumentNewPage } from './pages/documents-form.js';
import { DocumentHitPage } from './pages/documents-hit.js';
import { DocumentHitsPage } from './pages/documents-hits.js';
import { DocumentsRegisterPage } from './pages/documents-register.js';
import { GroupEditPage, GroupPage, GroupsPage } from './pages/groups.js';
import { InboxPage } from './pages/inbox.js';
import { DocumentEditPage, DocumentNewPage } from './pages/library-form.js';
import { LibraryPage } from './pages/library.js';
import { DocumentPage } from './pages/library-document.js';
import { MemberEditPage, MemberNewPage } from './pages/member-edit.js';
import { MemberPage } from './pages/member.js';
import { MembersPage } from './pages/members.js';
import { ReportPage } from './pages/report.js';
import { ReportEditPage, ReportNewPage } from './pages/report-form.js';
import { ReportsPage } from './pages/reports.js';
import { ReportsDashboardPage } from './pages/reports-dashboard.js';
import { ReportsSummaryPage } from './pages/reports-summary.js';
import { match } from './router.js';

type Params = Record<string, string>;

/** Every page of the signed-in app; the first pattern that matches wins. */
const ROUTES: readonly { pattern: string; render: (params: Params) => ReactNode }[] = [
  { pattern: '/directory', render: () => <MembersPage /> },
  { pattern: '/directory/members/new', render: () => <MemberNewPage /> },
  { pattern: '/directory/members/:code', render: (p) => <MemberPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/members/:code/edit', render: (p) => <MemberEditPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/groups', render: () => <GroupsPage /> },
  { pattern: '/directory/groups/new', render: () => <GroupEditPage code={null} /> },
  { pattern: '/directory/groups/:code', render: (p) => <GroupPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/directory/groups/:code/edit', render: (p) => <GroupEditPage key={p.code} code={p.code ?? ''} /> },
  { pattern: '/library', render: () => <LibraryPage /> },
  { pattern: '/library/new', render: () => <DocumentNewPage /> },
  { pattern: '/library/:id', render: (p) => <DocumentPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/library/:id/edit', render: (p) => <DocumentEditPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/reports', render: () => <ReportsPage /> },
  { pattern: '/reports/new', render: () => <ReportNewPage /> },
  { pattern: '/reports/dashboard', render: () => <ReportsDashboardPage /> },
  { pattern: '/reports/summary', render: () => <ReportsSummaryPage /> },
  { pattern: '/reports/:id', render: (p) => <ReportPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/reports/:id/edit', render: (p) => <ReportEditPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/documents', render: () => <DocumentsCheckPage /> },
  { pattern: '/documents/register', render: () => <DocumentsRegisterPage /> },
  { pattern: '/documents/register/new', render: () => <TravelDocumentNewPage /> },
  { pattern: '/documents/register/:id', render: (p) => <TravelDocumentPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/documents/hits', render: () => <DocumentHitsPage /> },
  { pattern: '/documents/hits/:id', render: (p) => <DocumentHitPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/audit', render: () => <AuditPage /> },
  { pattern: '/inbox', render: () => <InboxPage /> },
  { pattern: '/account', render: () => <AccountPage /> },
];

export function renderRoute(path: string): ReactNode {
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params) return route.render(params);
  }
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no page at this address.</p>
    </>
  );
}
