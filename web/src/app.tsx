import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorised, setCsrfToken, setErrorWords } from './api.js';
import { AppFrame } from './components/app-frame.js';
import { ForgotPasswordPage, ResetPasswordPage } from './modules/account/password-reset.js';
import { SignInPage } from './modules/account/sign-in.js';
import { UnsubscribePage } from './modules/account/unsubscribe.js';
import { useT } from './i18n/index.js';
import { followUnread } from './live.js';
import { EnrolmentShell, Shell } from './shell.js';
import { navigate, useLocation } from './router.js';
import { SessionContext, waitingIn, type Attention, type Session, type SessionContextValue } from './session.js';

type State = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; session: Session };

const PUBLIC_PATHS = ['/sign-in', '/forgot-password', '/reset-password', '/unsubscribe'];

async function loadSession(): Promise<State> {
  try {
    const session = await api.get<Session>('/auth/session');
    setCsrfToken(session.csrfToken);
    return { status: 'signed-in', session };
  } catch {
    setCsrfToken(null);
    return { status: 'anonymous' };
  }
}

/** Decides what the visitor sees: sign-in, the second step, TOTP enrolment, or the app. */
export function App() {
  const location = useLocation();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [attention, setAttention] = useState<readonly Attention[] | null>(null);
  const t = useT();

  // The errors the web app makes itself (no answer from the server) in the page's language; set before the first request below.
  useEffect(() => {
    setErrorWords(t);
    return () => setErrorWords(null);
  }, [t]);

  const refresh = useCallback(async () => setState(await loadSession()), []);

  useEffect(() => {
    void refresh();
    return onUnauthorised(() => {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
    });
  }, [refresh]);

  const signedInFully = state.status === 'signed-in' && state.session.stage === 'full';

  const refreshAttention = useCallback(() => {
    api.get<{ attention: Attention[] }>('/home').then(
      (answer) => setAttention(answer.attention),
      () => undefined,
    );
  }, []);

  // The navigation's badges follow the user from page to page, and a page left open asks once a minute (not while hidden).
  useEffect(() => {
    if (!signedInFully) return undefined;
    refreshAttention();
    const timer = window.setInterval(() => {
      if (!document.hidden) refreshAttention();
    }, 60_000);
    return () => window.clearInterval(timer);
  }, [signedInFully, refreshAttention, location.path]);

  // The unread count comes live from the server (live.ts) while signed in; the stream closes on sign-out.
  const [liveUnread, setLiveUnread] = useState<number | null>(null);
  useEffect(() => (signedInFully ? followUnread(setLiveUnread) : undefined), [signedInFully]);
  // The live count is the newest word on the inbox; /home's counts the rest.
  const shownAttention = useMemo(
    () => (attention && liveUnread !== null ? attention.map((item) => (item.module === 'inbox' ? { ...item, count: liveUnread } : item)) : attention),
    [attention, liveUnread],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/sign-out');
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
      navigate('/sign-in');
    }
  }, []);

  const isPublic = PUBLIC_PATHS.includes(location.path);

  // Send anonymous visitors to sign-in, remembering where they wanted to go.
  useEffect(() => {
    if (state.status === 'anonymous' && !isPublic) {
      const next = location.path === '/' ? '' : `?next=${encodeURIComponent(location.href)}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
  }, [state.status, isPublic, location.path, location.href]);

  const context = useMemo<SessionContextValue | null>(
    () =>
      state.status === 'signed-in'
        ? { session: state.session, refresh, signOut, attention: shownAttention, unread: liveUnread ?? waitingIn(attention ?? [], 'inbox'), refreshUnread: refreshAttention }
        : null,
    [state, refresh, signOut, shownAttention, attention, liveUnread, refreshAttention],
  );

  if (state.status === 'loading') return <AppFrame />;

  if (location.path === '/forgot-password') return <ForgotPasswordPage />;
  if (location.path === '/reset-password') return <ResetPasswordPage />;
  // The e-mail's unsubscribe link needs no sign-in, signed in or not.
  if (location.path === '/unsubscribe') return <UnsubscribePage />;

  if (state.status === 'anonymous' || state.session.stage === 'totp') {
    return <SignInPage stage={state.status === 'signed-in' ? state.session.stage : null} onSignedIn={refresh} />;
  }

  if (!context) return <AppFrame />;
  return (
    <SessionContext.Provider value={context}>{state.session.stage === 'enrol' ? <EnrolmentShell /> : <Shell />}</SessionContext.Provider>
  );
}
