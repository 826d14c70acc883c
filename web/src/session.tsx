import { createContext, useContext } from 'react';
import type { Static } from 'typebox';
import type { Me } from '../../src/modules/account/schemas.js';
import type { HomeAnswer } from '../../src/platform/http/home.js';
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

/** What waits for the user, one count per module and kind, with the page that lists exactly them (GET /home). */
export type Attention = Static<typeof HomeAnswer>['attention'][number];

/** The sum of a module's counts, for its badge in the navigation. */
export function waitingIn(attention: readonly Attention[], module: string): number {
  return attention.filter((item) => item.module === module).reduce((sum, item) => sum + item.count, 0);
}

export interface SessionContextValue {
  session: Session;
  /** Reloads the session (after enrolment, a role change of oneself, …). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** What waits for the user (GET /home), fetched when the page changes and at most once a minute otherwise; null until first known. */
  attention: readonly Attention[] | null;
  /** The user's unread notifications (the inbox's item of `attention`). */
  unread: number;
  /** Asks for `attention` again (after an act that changes a count, e.g. reading a notification). */
  refreshUnread: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

/** The signed-in session; only pages inside the shell call this. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in shell');
  return value;
}
