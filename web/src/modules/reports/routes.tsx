import type { Route } from '../../router.js';
import { ImportRunPage } from './import-run.js';
import { ReportEditPage, ReportNewPage } from './report-pages.js';
import { ReportPage } from './report.js';
import { ReportsDashboardPage } from './reports-dashboard.js';
import { ReportsImportPage } from './reports-import.js';
import { ReportsSummaryPage } from './reports-summary.js';
import { ReportsPage } from './reports.js';

export const REPORTS_ROUTES: readonly Route[] = [
  { pattern: '/reports', render: () => <ReportsPage /> },
  { pattern: '/reports/new', render: () => <ReportNewPage /> },
  { pattern: '/reports/dashboard', render: () => <ReportsDashboardPage /> },
  { pattern: '/reports/summary', render: () => <ReportsSummaryPage /> },
  { pattern: '/reports/import', render: () => <ReportsImportPage /> },
  { pattern: '/reports/import/runs/:id', render: (p) => <ImportRunPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/reports/:id', render: (p) => <ReportPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/reports/:id/edit', render: (p) => <ReportEditPage key={p.id} id={p.id ?? ''} /> },
];
