import { forbidden, unauthorised } from '../errors.js';
import type { Actor } from './actor.js';
import { roleAllows, type Action } from './roles.js';

/**
 * The one authorisation check: after it, the compiler knows there is a signed-in actor. Throws 401
 * without one and 403 when none of the actor's roles grants the action.
 */
export function authorize(actor: Actor | null | undefined, action: Action): asserts actor is Actor {
  if (!actor) throw unauthorised();
  if (!roleAllows(actor.roles, action)) throw forbidden();
}
