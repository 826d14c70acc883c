import { useState, type SubmitEvent } from 'react';
import { api } from '../api.js';
import { ErrorAlert, Field, humanise, Notice, PageHeader } from '../components/ui.js';
import { useSubmit, useTitle } from '../hooks.js';
import { useSession } from '../session.js';
import { ApiTokens } from './account-tokens.js';
import { TotpSection } from './account-totp.js';
import { MIN_PASSWORD_LENGTH } from './password-reset.js';

export function AccountPage() {
  useTitle('Account');
  const { session, refresh } = useSession();
  const { user } = session;
  return (
    <>
      <PageHeader title="Account" />
      <section className="panel" aria-labelledby="account-profile">
        <h2 id="account-profile">You</h2>
        <dl className="details">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>E-mail</dt>
          <dd>{user.email}</dd>
          <dt>Member</dt>
          <dd>
            {user.memberName} ({user.member})
          </dd>
          <dt>Roles</dt>
          <dd>{user.roles.map(humanise).join(', ')}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="account-totp">
        <h2 id="account-totp">Two-step sign-in</h2>
        <TotpSection onChanged={() => void refresh()} onDone={() => undefined} />
      </section>
      <section className="panel" aria-labelledby="account-password">
        <h2 id="account-password">Change password</h2>
        <ChangePassword />
      </section>
      <section className="panel" aria-labelledby="account-tokens">
        <h2 id="account-tokens">API tokens</h2>
        <ApiTokens />
      </section>
    </>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setDone(false);
    setMismatch(newPassword !== repeat);
    if (newPassword !== repeat) return;
    void run(async () => {
      await api.post('/account/password', { currentPassword, newPassword });
      setCurrentPassword('');
      setNewPassword('');
      setRepeat('');
      setDone(true);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="form-narrow">
      {done ? (
        <Notice tone="success">
          <p>Your password was changed.</p>
        </Notice>
      ) : null}
      <ErrorAlert error={error} shown={['/currentPassword', '/newPassword']} />
      <Field label="Current password" error={error?.fieldError('/currentPassword')}>
        {(props) => <input {...props} type="password" autoComplete="current-password" required value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)} />}
      </Field>
      <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={error?.fieldError('/newPassword')}>
        {(props) => <input {...props} type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={newPassword} onChange={(event) => setNewPassword(event.target.value)} />}
      </Field>
      <Field label="Repeat the new password" error={mismatch ? 'The two passwords differ.' : undefined}>
        {(props) => <input {...props} type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
