import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, humanise, Notice, PageHeader } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { useSession } from '../../session.js';
import { ApiTokens } from './account-tokens.js';
import { TotpSection } from './account-totp.js';
import { MIN_PASSWORD_LENGTH, type PasswordChanged } from './api.js';

export function AccountPage() {
  useTitle('Account');
  const { session, refresh } = useSession();
  const { user } = session;
  // A password change may revoke tokens: the list is loaded again after one.
  const [tokensKey, setTokensKey] = useState(0);
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
        <ChangePassword onChanged={() => setTokensKey((key) => key + 1)} />
      </section>
      <section className="panel" aria-labelledby="account-tokens">
        <h2 id="account-tokens">API tokens</h2>
        <ApiTokens key={tokensKey} />
      </section>
    </>
  );
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What a password change ended elsewhere, in a sentence. */
function signedOutElsewhere({ sessionsEnded, tokensRevoked }: PasswordChanged): string {
  const sessions = sessionsEnded === 0 ? 'You had no other sessions.' : `${count(sessionsEnded, 'other session was', 'other sessions were')} signed out.`;
  const tokens = tokensRevoked === 0 ? '' : ` ${count(tokensRevoked, 'API token was', 'API tokens were')} revoked.`;
  return sessions + tokens;
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [keepTokens, setKeepTokens] = useState(false);
  const [done, setDone] = useState<PasswordChanged | null>(null);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setDone(null);
    setMismatch(newPassword !== repeat);
    if (newPassword !== repeat) return;
    void run(async () => {
      const changed = await api.post<PasswordChanged>('/account/password', { currentPassword, newPassword, keepTokens });
      setCurrentPassword('');
      setNewPassword('');
      setRepeat('');
      setDone(changed);
      onChanged();
    });
  };

  return (
    <form onSubmit={submit} noValidate className="form-narrow">
      {done ? (
        <Notice tone="success">
          <p>Your password was changed. {signedOutElsewhere(done)}</p>
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
      <label className="check">
        <input type="checkbox" checked={keepTokens} onChange={(event) => setKeepTokens(event.target.checked)} /> Keep my API tokens working
      </label>
      <p className="hint">Your other sessions are signed out. Unless you keep them, your API tokens are revoked too, and the machines using them need new ones.</p>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
