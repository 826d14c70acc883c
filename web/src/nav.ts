import type { Session } from './api.js';

/** The modules in the navigation, in order. A new module adds one line here and its routes in routes.tsx. */
export interface NavItem {
  label: string;
  path: string;
  visible: (session: Session) => boolean;
  /** Shows the unread notification count beside the label. */
  unreadBadge?: boolean;
}

export const NAV: readonly NavItem[] = [
  { label: 'Directory', path: '/directory', visible: () => true },
  { label: 'Library', path: '/library', visible: () => true },
  { label: 'Reports', path: '/reports', visible: () => true },
  { label: 'Report analysis', path: '/reports/dashboard', visible: () => true },
  { label: 'Travel documents', path: '/documents', visible: () => true },
  { label: 'Who read my records', path: '/audit', visible: (session) => session.abilities.readAudit },
  { label: 'Inbox', path: '/inbox', visible: () => true, unreadBadge: true },
  { label: 'Account', path: '/account', visible: () => true },
];

/** Whether a path belongs to a module, for aria-current: the most specific module that holds it. */
export function isWithin(path: string, modulePath: string): boolean {
  const holds = (module: string): boolean => path === module || path.startsWith(`${module}/`);
  if (!holds(modulePath)) return false;
  return !NAV.some((other) => other.path.length > modulePath.length && other.path.startsWith(modulePath) && holds(other.path));
}
