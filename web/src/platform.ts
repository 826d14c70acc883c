/**
 * What every module shares with the server's platform: roles, actions and the sharing fields. The
 * code lists come from the server's import-free files (src/platform/auth/roles.ts,
 * src/platform/sharing/codes.ts), so the bundle gets the lists and nothing else; the shape of the
 * sharing fields is the server's schema, imported as a type only.
 */
import type { Static } from 'typebox';
import type { Sharing as SharingSchema } from '../../src/platform/sharing/model.js';

export { ROLES, secondFactorRoles, type Action, type Role } from '../../src/platform/auth/roles.js';
export {
  AUDIENCE_KINDS,
  HANDLING_CODES,
  INFORMATION_GRADES,
  SOURCE_GRADES,
  TLP_LEVELS,
  type AudienceKind,
  type HandlingCode,
  type InformationGrade,
  type SourceGrade,
  type Tlp,
} from '../../src/platform/sharing/codes.js';

/** The sharing fields every shareable record carries, as the API sends and takes them. */
export type Sharing = Static<typeof SharingSchema>;

/**
 * Every member of a union of strings, in the order written: leaving one out or naming one the union
 * lacks is a type error. For the web's lists of a server type whose list is not import-free.
 */
export function allOf<K extends string>(members: Readonly<Record<K, true>>): K[] {
  return Object.keys(members) as K[];
}
