import { msg, type MessageId } from './i18n/index.js';
import { can, type Session } from './session.js';

/** The modules in the navigation, in order. A new module adds one line here, and its pages in modules/<name>/routes.tsx (listed in routes.tsx). */
export interface NavItem {
  label: MessageId;
  path: string;
  visible: (session: Session) => boolean;
  /** Shows beside the label how many things wait for the user in this server module (GET /home's `attention`). */
  badge?: { module: string; meaning: MessageId };
  /** Other paths that belong to this module. */
  also?: readonly string[];
  /** The user's own pages (who read my records, inbox, account): shown in the header beside the user's name, not among the modules. */
  personal?: true;
}

export const NAV: readonly NavItem[] = [
  { label: msg('shell.nav.home'), path: '/', visible: () => true },
  { label: msg('shell.nav.directory'), path: '/directory', visible: () => true },
  { label: msg('shell.nav.library'), path: '/library', visible: () => true },
  { label: msg('shell.nav.reports'), path: '/reports', visible: () => true, badge: { module: 'reports', meaning: msg('shell.badge.toApprove') } },
  { label: msg('shell.nav.reportAnalysis'), path: '/reports/dashboard', also: ['/reports/summary'], visible: () => true },
  { label: msg('shell.nav.importExport'), path: '/reports/import', visible: (session) => can(session, 'reports.import') || can(session, 'reports.export') },
  { label: msg('shell.nav.documents'), path: '/documents', visible: () => true, badge: { module: 'documents', meaning: msg('shell.badge.toAnswer') } },
  { label: msg('shell.nav.bulletins'), path: '/bulletins', visible: () => true },
  { label: msg('shell.nav.linkage'), path: '/linkage', visible: (session) => can(session, 'linkage.read'), badge: { module: 'linkage', meaning: msg('shell.badge.toDecide') } },
  { label: msg('shell.nav.biometrics'), path: '/biometrics/agreements', also: ['/biometrics'], visible: (session) => can(session, 'biometrics.read'), badge: { module: 'biometrics', meaning: msg('shell.badge.toDecide') } },
  { label: msg('shell.nav.audit'), path: '/audit', visible: (session) => can(session, 'audit.read'), personal: true },
  { label: msg('shell.nav.inbox'), path: '/inbox', visible: () => true, badge: { module: 'inbox', meaning: msg('shell.badge.unread') }, personal: true },
  { label: msg('shell.nav.webhooks'), path: '/webhooks', visible: (session) => can(session, 'webhooks.manage'), personal: true },
  { label: msg('shell.nav.account'), path: '/account', visible: () => true, personal: true },
];

/** How long the longest of a module's paths that holds `path` is (0 when none does). */
function match(path: string, item: NavItem): number {
  const holds = (module: string): boolean => path === module || path.startsWith(`${module}/`);
  return Math.max(0, ...[item.path, ...(item.also ?? [])].filter(holds).map((module) => module.length));
}

/** Whether a path belongs to a module, for aria-current: the module with the most specific path that holds it. */
export function isWithin(path: string, modulePath: string): boolean {
  const item = NAV.find((candidate) => candidate.path === modulePath);
  if (!item) return false;
  const mine = match(path, item);
  return mine > 0 && NAV.every((other) => match(path, other) <= mine);
}
