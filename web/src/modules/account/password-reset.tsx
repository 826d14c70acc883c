import { useEffect, useState, type SubmitEvent, type ReactNode } from 'react';
import { api } from '../../api.js';
import { PasswordInput } from '../../components/password-input.js';
import { PasswordStrengthMeter } from '../../components/password-strength.js';
import { ErrorAlert, Field, Notice } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import { MIN_PASSWORD_LENGTH } from './api.js';
import { useT } from '../../i18n/index.js';

/** A page outside the signed-in app: the brand and one card. */
export function PublicCard({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title);
  return (
    <div className="public-page">
      <main id="main" className="public-card" aria-labelledby="public-title">
        <p className="brand brand-large" translate="no">
          Lintas
        </p>
        <h1 id="public-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

export function ForgotPasswordPage() {
  const t = useT();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.post('/auth/password-reset', { email: email.trim() });
      setSent(true);
    });
  };

  return (
    <PublicCard title={t('account.forgot.title')}>
      {sent ? (
        <Notice tone="success">
          <p>{t('account.forgot.sent')}</p>
        </Notice>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t('account.forgot.intro')}</p>
          <ErrorAlert error={error} shown={['/email']} />
          <Field label={t('account.email')} error={error?.fieldError('/email')}>
            {(props) => <input {...props} type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t('account.forgot.send')}
            </button>
          </div>
        </form>
      )}
      <p>
        <Link to="/sign-in">{t('account.forgot.back')}</Link>
      </p>
    </PublicCard>
  );
}

/**
 * The link's token: in the fragment (`#token=`, ASVS 8.3.1: never sent to the server), or in the
 * query of links sent before it moved there.
 */
function tokenOfLink(search: URLSearchParams): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? search.get('token') ?? '';
}

export function ResetPasswordPage() {
  const t = useT();
  const search = useLocation().search;
  // Read once, then taken out of the address bar (and so out of the history and of bookmarks).
  const [token] = useState(() => tokenOfLink(search));
  useEffect(() => {
    if (window.location.hash || new URLSearchParams(window.location.search).has('token')) window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password !== repeat) return;
    void run(async () => {
      await api.post('/auth/password-reset/complete', { token, password });
      setDone(true);
    });
  };

  if (!token) {
    return (
      <PublicCard title={t('account.reset.title')}>
        <div className="alert alert-error" role="alert">
          <p>{t('account.reset.noToken')}</p>
        </div>
        <p>
          <Link to="/forgot-password">{t('account.reset.askAgain')}</Link>
        </p>
      </PublicCard>
    );
  }

  return (
    <PublicCard title={t('account.reset.title')}>
      {done ? (
        <>
          <Notice tone="success">
            <p>{t('account.reset.done')}</p>
          </Notice>
          <p>
            <Link to="/sign-in">{t('account.signIn.title')}</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={error} shown={['/password']} />
          <Field label={t('account.password.new')} hint={t('account.password.newHint', { count: MIN_PASSWORD_LENGTH })} error={error?.fieldError('/password')}>
            {(props) => <PasswordInput {...props} autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={password} onChange={(event) => setPassword(event.target.value)} />}
          </Field>
          <PasswordStrengthMeter password={password} />
          <Field label={t('account.password.repeat')} error={mismatch ? t('account.password.mismatch') : undefined}>
            {(props) => <PasswordInput {...props} autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t('account.reset.submit')}
            </button>
          </div>
          {error?.fieldError('/token') || error?.status === 404 || error?.status === 410 ? (
            <p>
              <Link to="/forgot-password">{t('account.reset.askAgain')}</Link>
            </p>
          ) : null}
        </form>
      )}
    </PublicCard>
  );
}
