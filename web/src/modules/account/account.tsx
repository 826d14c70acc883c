import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { PasswordInput } from '../../components/password-input.js';
import { PasswordStrengthMeter } from '../../components/password-strength.js';
import { ErrorAlert, Field, Notice, PageHeader } from '../../components/ui.js';
import { ROLE_LABEL } from '../../i18n/labels.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { AccountExportSection } from './account-export.js';
import { AccountSessions } from './account-sessions.js';
import { ApiTokens } from './account-tokens.js';
import { TotpSection } from './account-totp.js';
import { TimeZoneSection } from './time-zone.js';
import { MIN_PASSWORD_LENGTH, type PasswordChanged } from './api.js';

export function AccountPage() {
  const t = useT();
  useTitle(t('account.title'));
  const { session, refresh } = useSession();
  const { user } = session;
  // A password change may revoke tokens: the list is loaded again after one.
  const [tokensKey, setTokensKey] = useState(0);
  // …and so are the sessions, which it ends but this one.
  return (
    <>
      <PageHeader title={t('account.title')} />
      <section className="panel" aria-labelledby="account-profile">
        <h2 id="account-profile">{t('account.profile.title')}</h2>
        <dl className="details">
          <dt>{t('account.profile.name')}</dt>
          <dd translate="no">{user.name}</dd>
          <dt>{t('account.email')}</dt>
          <dd translate="no">{user.email}</dd>
          <dt>{t('account.profile.member')}</dt>
          <dd translate="no">
            {user.memberName} ({user.member})
          </dd>
          <dt>{t('account.profile.roles')}</dt>
          <dd>{t.list(user.roles.map((role) => t(ROLE_LABEL[role])))}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="account-notifications">
        <h2 id="account-notifications">{t('account.notifications.title')}</h2>
        <p>
          <Link to="/account/subscriptions">{t('account.notifications.subscriptions')}</Link>
        </p>
        <TimeZoneSection />
      </section>
      <section className="panel" aria-labelledby="account-totp">
        <h2 id="account-totp">{t('account.totp.title')}</h2>
        <TotpSection onChanged={() => void refresh()} onDone={() => undefined} />
      </section>
      <section className="panel" aria-labelledby="account-password">
        <h2 id="account-password">{t('account.password.title')}</h2>
        <ChangePassword onChanged={() => setTokensKey((key) => key + 1)} />
      </section>
      <section className="panel" aria-labelledby="account-sessions">
        <h2 id="account-sessions">{t('account.sessions.title')}</h2>
        <AccountSessions key={tokensKey} />
      </section>
      <section className="panel" aria-labelledby="account-tokens">
        <h2 id="account-tokens">{t('account.tokens.title')}</h2>
        <ApiTokens key={tokensKey} />
      </section>
      <section className="panel" aria-labelledby="account-export">
        <h2 id="account-export">{t('account.export.title')}</h2>
        <AccountExportSection />
      </section>
    </>
  );
}

function ChangePassword({ onChanged }: { onChanged: () => void }) {
  const t = useT();
  const { user } = useSession().session;
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
          <p>{t('account.password.changed', { sessions: done.sessionsEnded, tokens: done.tokensRevoked })}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={error} shown={['/currentPassword', '/newPassword']} />
      <Field label={t('account.password.current')} error={error?.fieldError('/currentPassword')}>
        {(props) => <PasswordInput {...props} autoComplete="current-password" required value={currentPassword} onChange={(event) => setCurrentPassword(event.target.value)} />}
      </Field>
      <Field label={t('account.password.new')} hint={t('account.password.newHint', { count: MIN_PASSWORD_LENGTH })} error={error?.fieldError('/newPassword')}>
        {(props) => <PasswordInput {...props} autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} value={newPassword} onChange={(event) => setNewPassword(event.target.value)} />}
      </Field>
      <PasswordStrengthMeter password={newPassword} user={user} />
      <Field label={t('account.password.repeat')} error={mismatch ? t('account.password.mismatch') : undefined}>
        {(props) => <PasswordInput {...props} autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={keepTokens} onChange={(event) => setKeepTokens(event.target.checked)} /> {t('account.password.keepTokens')}
      </label>
      <p className="hint">{t('account.password.hint')}</p>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {t('account.password.submit')}
        </button>
      </div>
    </form>
  );
}
