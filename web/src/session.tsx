import { createContext, useContext } from 'react';
import type { Static } from 'typebox';
import type { Me } from '../../src/modules/account/schemas.js';
import type { Action } from './platform.js';

/** The answer of GET /auth/session: the user, the sign-in stage, the CSRF token and every action the user may do. */
export type Session = Static<typeof Me>;
export type Stage = Session['stage'];

/**
 * Whether the user may do this kind of thing at all, as the server says in the session's `actions`
 * (the server checks again). What may be done with one record is that record's own `abilities`.
 */
export function can(session: Pick<Session, 'actions'>, action: Action): boolean {
  return session.actions.includes(action);
}

export interface SessionContextValue {
  session: Session;
  /** Reloads the session (after enrolment, a role change of oneself, …). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  unread: number;
  refreshUnread: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

/** The signed-in session; only pages inside the shell call this. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in shell');
  return value;
}
