import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useSession } from '../../session.js';
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
          <p>Two-step sign-in is on. Keep these recovery codes somewhere safe: each one signs you in once if you lose your phone. They are shown only now.</p>
        </Notice>
        <ol className="recovery-codes" aria-label="Recovery codes">
          {recoveryCodes.map((item) => (
            <li key={item}>
              <code>{item}</code>
            </li>
          ))}
        </ol>
        <div className="form-actions">
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(recoveryCodes.join('\n'))}>
            Copy the codes
          </button>
          <button
            type="button"
            className="button-primary"
            onClick={() => {
              setRecoveryCodes(null);
              onDone();
            }}
          >
            I have saved the codes
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
            <p>Scan this code with an authenticator app (such as FreeOTP, Aegis, Google or Microsoft Authenticator).</p>
            <img className="qr" src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`} alt="QR code to add Lintas to an authenticator app" width={200} height={200} />
            <p>
              Or type this key into the app: <code className="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </p>
          </li>
          <li>
            <ErrorAlert error={error} shown={['/code']} />
            <Field label="Code shown by the app" hint="6 digits." error={error?.fieldError('/code')}>
              {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={8} required value={code} onChange={(event) => setCode(event.target.value)} />}
            </Field>
          </li>
        </ol>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            Turn on two-step sign-in
          </button>
          <button type="button" className="button-link" onClick={() => setEnrolment(null)}>
            Cancel
          </button>
        </div>
      </form>
    );
  }

  if (session.user.totpEnabled) {
    return (
      <form onSubmit={remove} noValidate>
        <p>Two-step sign-in is on: signing in needs a code from your authenticator app.</p>
        <ErrorAlert error={error} shown={['/code']} />
        <Field label="Current code, to turn it off" error={error?.fieldError('/code')}>
          {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={20} value={code} onChange={(event) => setCode(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-danger" disabled={busy || code.trim() === ''}>
            Turn off two-step sign-in
          </button>
        </div>
      </form>
    );
  }

  return (
    <div>
      <p>Two-step sign-in is off. With it on, signing in also needs a code from an app on your phone.</p>
      <ErrorAlert error={error} />
      <button type="button" className="button-primary" onClick={start} disabled={busy}>
        Set up an authenticator app
      </button>
    </div>
  );
}
