export const ROLES = ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a user can ask to do, checked in one place; a typo does not compile. */
export type Action =
  | 'directory.read'
  | 'members.manage'
  | 'members.settings'
  | 'groups.manage'
  | 'users.manage'
  | 'focal-points.manage'
  | 'library.read'
  | 'library.write'
  | 'audit.read'
  | 'reports.read'
  | 'reports.write'
  | 'reports.approve'
  | 'reports.import'
  | 'reports.export'
  | 'reports.analyse'
  | 'documents.check'
  | 'documents.read'
  | 'documents.write'
  | 'documents.answer';

export const ACTIONS: readonly Action[] = [
  'directory.read', 'members.manage', 'members.settings', 'groups.manage', 'users.manage', 'focal-points.manage',
  'library.read', 'library.write', 'audit.read',
  'reports.read', 'reports.write', 'reports.approve', 'reports.import', 'reports.export', 'reports.analyse',
  'documents.check', 'documents.read', 'documents.write', 'documents.answer',
];

const any = (roles: readonly Role[], ...wanted: Role[]): boolean => roles.some((role) => wanted.includes(role));

/** Whether this kind of user may do this at all. Whether they may see a record is the sharing rule's question. */
export function roleAllows(roles: readonly Role[], action: Action): boolean {
  switch (action) {
    case 'directory.read':
    case 'library.read':
    case 'reports.read':
    case 'reports.analyse':
      return roles.length > 0;
    case 'reports.write':
    case 'reports.import':
      return any(roles, 'officer', 'analyst', 'liaison', 'member-admin');
    case 'reports.approve':
      return any(roles, 'approver', 'member-admin');
    case 'reports.export':
      return any(roles, 'officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat');
    case 'library.write':
      return any(roles, 'officer', 'analyst', 'liaison', 'member-admin', 'secretariat');
    // Document checks are run by border, visa and liaison officers and by analysts; the register
    // (adds, changes, cancellations, imports, foreign reports) by officers; hits are answered by
    // the issuer's officers and approvers.
    case 'documents.read':
      return roles.length > 0;
    case 'documents.check':
      return any(roles, 'officer', 'analyst', 'liaison', 'member-admin');
    case 'documents.write':
      return any(roles, 'officer', 'liaison', 'member-admin');
    case 'documents.answer':
      return any(roles, 'officer', 'liaison', 'approver', 'member-admin');
    case 'members.manage':
    case 'groups.manage':
      return any(roles, 'secretariat');
    case 'members.settings':
    case 'users.manage':
    case 'focal-points.manage':
      return any(roles, 'member-admin', 'secretariat');
    case 'audit.read':
      return any(roles, 'member-admin', 'approver', 'analyst', 'secretariat');
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${String(unreachable)}`);
    }
  }
}
