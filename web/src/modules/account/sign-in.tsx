import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api, setCsrfToken } from '../../api.js';
import type { Stage } from '../../session.js';
import type { SignInResult } from './api.js';
import { PasswordInput } from '../../components/password-input.js';
import { ErrorAlert, Field } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { useT } from '../../i18n/index.js';

interface Props {
  /** null before the password step; 'totp' when the second factor is due. */
  stage: Stage | null;
  onSignedIn: () => Promise<void>;
}

export function SignInPage({ stage, onSignedIn }: Props) {
  const t = useT();
  useTitle(t('account.signIn.title'));
  return (
    <div className="public-page">
      <main id="main" className="public-card" aria-labelledby="sign-in-title">
        <p className="brand brand-large" translate="no">
          Lintas
        </p>
        <h1 id="sign-in-title">{stage === 'totp' ? t('account.signIn.secondStep') : t('account.signIn.title')}</h1>
        {stage === 'totp' ? <CodeStep onSignedIn={onSignedIn} /> : <PasswordStep onSignedIn={onSignedIn} />}
      </main>
    </div>
  );
}

function PasswordStep({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.post<SignInResult>('/auth/sign-in', { email: email.trim(), password });
      await onSignedIn();
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} shown={['/email', '/password']} />
      <Field label={t('account.email')} error={error?.fieldError('/email')}>
        {(props) => <input {...props} type="email" name="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} />}
      </Field>
      <Field label={t('account.password')} error={error?.fieldError('/password')}>
        {(props) => <PasswordInput {...props} name="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('account.signIn.busy') : t('account.signIn.submit')}
        </button>
        <Link to="/forgot-password">{t('account.signIn.forgot')}</Link>
      </div>
    </form>
  );
}

function CodeStep({ onSignedIn }: { onSignedIn: () => Promise<void> }) {
  const t = useT();
  const [code, setCode] = useState('');
  const { busy, error, run } = useSubmit();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.post<SignInResult>('/auth/totp', { code: code.replace(/\s+/g, '') });
      await onSignedIn();
    });
  };

  const startOver = (): void => {
    void api.post('/auth/sign-out').finally(() => {
      setCsrfToken(null);
      navigate('/sign-in', { replace: true });
      void onSignedIn();
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} shown={['/code']} />
      <Field label={t('account.signIn.code')} hint={t('account.signIn.codeHint')} error={error?.fieldError('/code')}>
        {(props) => (
          <input
            {...props}
            ref={input}
            name="code"
            inputMode="text"
            autoComplete="one-time-code"
            spellCheck={false}
            required
            maxLength={40}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('account.signIn.checking') : t('account.signIn.continue')}
        </button>
        <button type="button" className="button-link" onClick={startOver}>
          {t('account.signIn.otherAccount')}
        </button>
      </div>
    </form>
  );
}
