import { useState, type SubmitEvent, type ReactNode } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Notice } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import { MIN_PASSWORD_LENGTH } from './api.js';

function PublicCard({ title, children }: { title: string; children: ReactNode }) {
  useTitle(title);
  return (
    <div className="public-page">
      <main id="main" className="public-card" aria-labelledby="public-title">
        <p className="brand brand-large">Lintas</p>
        <h1 id="public-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}

export function ForgotPasswordPage() {
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
    <PublicCard title="Forgot password">
      {sent ? (
        <Notice tone="success">
          <p>If the address is known, a link to set a new password was sent to it. The link works once and expires soon.</p>
        </Notice>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>Enter the e-mail address of your account. We will send a link to set a new password.</p>
          <ErrorAlert error={error} shown={['/email']} />
          <Field label="E-mail" error={error?.fieldError('/email')}>
            {(props) => <input {...props} type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              Send link
            </button>
          </div>
        </form>
      )}
      <p>
        <Link to="/sign-in">Back to sign-in</Link>
      </p>
    </PublicCard>
  );
}

export function ResetPasswordPage() {
  const token = useLocation().search.get('token') ?? '';
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
      <PublicCard title="Set a new password">
        <div className="alert alert-error" role="alert">
          <p>This link has no token. Open the link from the e-mail again, or ask for a new one.</p>
        </div>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </PublicCard>
    );
  }

  return (
    <PublicCard title="Set a new password">
      {done ? (
        <>
          <Notice tone="success">
            <p>Your password was changed.</p>
          </Notice>
          <p>
            <Link to="/sign-in">Sign in</Link>
          </p>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorAlert error={error} shown={['/password']} />
          <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={error?.fieldError('/password')}>
            {(props) => <input {...props} type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={password} onChange={(event) => setPassword(event.target.value)} />}
          </Field>
          <Field label="Repeat the new password" error={mismatch ? 'The two passwords differ.' : undefined}>
            {(props) => <input {...props} type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              Set password
            </button>
          </div>
          {error?.fieldError('/token') || error?.status === 404 || error?.status === 410 ? (
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          ) : null}
        </form>
      )}
    </PublicCard>
  );
}
