/**
 * Roles and actions. A role is what a user is (officer, analyst, …); an action is what a request
 * asks to do (`reports.write`). Each module declares its actions and the roles that grant them
 * (`defineModule` in platform/module.ts registers them here); whether the actor may see a record is
 * the sharing rule's question, not this one's.
 *
 * This file has no runtime imports: the web app imports `ROLES` from it.
 */

export const ROLES = ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat'] as const;
export type Role = (typeof ROLES)[number];

/** The administrative roles (ASVS 4.3.1): whoever holds one must have a second factor, whatever the member requires. */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['member-admin', 'secretariat'];

/** The administrative roles among these, which call for a second factor. */
export function secondFactorRoles(roles: readonly Role[]): Role[] {
  return roles.filter((role) => SECOND_FACTOR_ROLES.includes(role));
}

/**
 * The actions of every module, by module name. Each module adds its own by declaration merging:
 *
 *     declare module '../../platform/auth/roles.js' {
 *       interface ModuleActions { reports: ReportAction }
 *     }
 *
 * so `Action` is the closed union of them all and a typo does not compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleActions {}
export type Action = ModuleActions[keyof ModuleActions];

/** Who may do an action: every signed-in user, or the users holding one of the roles. */
export type Grant = 'signed-in' | readonly Role[];

const grants = new Map<string, { module: string; grant: Grant }>();

/** Registers a module's actions; an action another module already declared is an error. */
export function grantActions(module: string, table: Readonly<Record<string, Grant>>): void {
  for (const [action, grant] of Object.entries(table)) {
    const known = grants.get(action);
    if (known && known.module !== module) throw new Error(`action ${action} of module ${module} is already declared by module ${known.module}`);
    grants.set(action, { module, grant });
  }
}

/** Whether this kind of user may do this at all. An action no module declared is a programming error. */
export function roleAllows(roles: readonly Role[], action: Action): boolean {
  const known = grants.get(action);
  if (!known) throw new Error(`unknown action ${action}`);
  return known.grant === 'signed-in' ? roles.length > 0 : roles.some((role) => known.grant.includes(role));
}

/** Every action the roles allow, in a stable order. */
export function allowedActions(roles: readonly Role[]): Action[] {
  return [...grants.keys()].sort().filter((action) => roleAllows(roles, action as Action)) as Action[];
}
