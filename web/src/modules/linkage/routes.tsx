import type { Route } from '../../router.js';
import { GRAPH_ROUTES } from './graph-routes.js';
import { LeadPage } from './lead.js';
import { LeadEditPage, LeadNewPage } from './lead-form.js';
import { LeadsPage } from './leads.js';
import { NoticePage, NoticesPage } from './notices.js';
import { RequestPage, RequestsPage } from './requests.js';
import { FiguresPage } from './figures.js';

/** The linkage pages; the graph and the secretariat's review add theirs to this one list. */
export const LINKAGE_ROUTES: readonly Route[] = [
  { pattern: '/linkage', render: () => <LeadsPage /> },
  { pattern: '/linkage/leads/new', render: () => <LeadNewPage /> },
  { pattern: '/linkage/leads/:id', render: (p) => <LeadPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/linkage/leads/:id/edit', render: (p) => <LeadEditPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/linkage/notices', render: () => <NoticesPage /> },
  { pattern: '/linkage/notices/:id', render: (p) => <NoticePage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/linkage/requests', render: () => <RequestsPage /> },
  { pattern: '/linkage/figures', render: () => <FiguresPage /> },
  { pattern: '/linkage/requests/:id', render: (p) => <RequestPage key={p.id} id={p.id ?? ''} /> },
  ...GRAPH_ROUTES,
];
