import { createContext, useContext } from 'react';
import type { Session } from './api.js';

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
