import type { Route } from '../../router.js';
import { ReportEditPage, ReportNewPage } from './report-form.js';
import { ReportPage } from './report.js';
import { ReportsDashboardPage } from './reports-dashboard.js';
import { ReportsSummaryPage } from './reports-summary.js';
import { ReportsPage } from './reports.js';

export const REPORTS_ROUTES: readonly Route[] = [
  { pattern: '/reports', render: () => <ReportsPage /> },
  { pattern: '/reports/new', render: () => <ReportNewPage /> },
  { pattern: '/reports/dashboard', render: () => <ReportsDashboardPage /> },
  { pattern: '/reports/summary', render: () => <ReportsSummaryPage /> },
  { pattern: '/reports/:id', render: (p) => <ReportPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/reports/:id/edit', render: (p) => <ReportEditPage key={p.id} id={p.id ?? ''} /> },
];
