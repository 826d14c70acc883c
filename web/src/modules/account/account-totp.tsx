import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { secondFactorRoles } from '../../platform.js';
import { useSession } from '../../session.js';
import { useT } from '../../i18n/index.js';
import type { RecoveryCodes, TotpEnrolment } from './api.js';

interface Props {
  /** After the second factor was turned on or off: reload the session. */
  onChanged: () => void;
  /** After the user has seen the recovery codes and moves on. */
  onDone: () => void;
}

/** Set up, confirm or remove the authenticator app (TOTP) of the signed-in user. */
export function TotpSection({ onChanged, onDone }: Props) {
  const { session } = useSession();
  const t = useT();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, run } = useSubmit();

  const start = (): void => {
    void run(async () => {
      setEnrolment(await api.post<TotpEnrolment>('/account/totp/enrol'));
      setCode('');
    });
  };

  const confirm = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      const answer = await api.post<RecoveryCodes>('/account/totp/confirm', { code: code.replace(/\s+/g, '') });
      setEnrolment(null);
      setRecoveryCodes(answer.recoveryCodes);
      onChanged();
    });
  };

  const remove = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.delete('/account/totp', { code: code.replace(/\s+/g, '') });
      setCode('');
      onChanged();
    });
  };

  if (recoveryCodes) {
    return (
      <div>
        <Notice tone="success">
          <p>{t('account.totp.recoveryIntro')}</p>
        </Notice>
        <ol className="recovery-codes" aria-label={t('account.totp.recoveryCodes')}>
          {recoveryCodes.map((item) => (
            <li key={item}>
              <code>{item}</code>
            </li>
          ))}
        </ol>
        <div className="form-actions">
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(recoveryCodes.join('\n'))}>
            {t('account.totp.copyCodes')}
          </button>
          <button
            type="button"
            className="button-primary"
            onClick={() => {
              setRecoveryCodes(null);
              onDone();
            }}
          >
            {t('account.totp.savedCodes')}
          </button>
        </div>
      </div>
    );
  }

  if (enrolment) {
    return (
      <form onSubmit={confirm} noValidate>
        <ol className="steps">
          <li>
            <p>{t('account.totp.scan')}</p>
            <img className="qr" src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`} alt={t('account.totp.qr')} width={200} height={200} />
            <p>
              {t.rich('account.totp.key', { key: <code className="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code> })}
            </p>
          </li>
          <li>
            <ErrorAlert error={error} shown={['/code']} />
            <Field label={t('account.totp.code')} hint={t('account.totp.codeHint')} error={error?.fieldError('/code')}>
              {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={8} required value={code} onChange={(event) => setCode(event.target.value)} />}
            </Field>
          </li>
        </ol>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('account.totp.turnOn')}
          </button>
          <button type="button" className="button-link" onClick={() => setEnrolment(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    );
  }

  if (session.user.totpEnabled && secondFactorRoles(session.user.roles).length > 0) {
    // The server refuses it too (ASVS 4.3.1): administrators keep their second factor.
    return <p>{t('account.totp.requiredByRole')}</p>;
  }

  if (session.user.totpEnabled) {
    return (
      <form onSubmit={remove} noValidate>
        <p>{t('account.totp.on')}</p>
        <ErrorAlert error={error} shown={['/code']} />
        <Field label={t('account.totp.currentCode')} error={error?.fieldError('/code')}>
          {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={40} value={code} onChange={(event) => setCode(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-danger" disabled={busy || code.trim() === ''}>
            {t('account.totp.turnOff')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <div>
      <p>{t('account.totp.off')}</p>
      <ErrorAlert error={error} />
      <button type="button" className="button-primary" onClick={start} disabled={busy}>
        {t('account.totp.setUp')}
      </button>
    </div>
  );
}
