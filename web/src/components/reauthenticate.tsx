import { useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { api, setReauthenticator } from '../api.js';
import { useSubmit } from '../hooks.js';
import { useT } from '../i18n/index.js';
import { useSession } from '../session.js';
import { PasswordInput } from './password-input.js';
import { ErrorAlert, Field } from './ui.js';

/**
 * The dialog that asks for the password again (or a current authenticator code) when the server
 * refuses a sensitive change for want of a recent one (ASVS 3.7.1: creating an API token, changing
 * a user's roles). `api` opens it, waits, and retries the change once it is confirmed; cancelling
 * leaves the change refused, with the server's message where the page shows errors.
 */
export function ReauthenticateDialog() {
  const t = useT();
  const { session } = useSession();
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const pending = useRef<((confirmed: boolean) => void) | null>(null);
  const [withCode, setWithCode] = useState(false);
  const [value, setValue] = useState('');
  const { busy, error, setError, run } = useSubmit();

  const finish = (confirmed: boolean): void => {
    const resolve = pending.current;
    pending.current = null;
    if (dialog.current?.open) dialog.current.close();
    resolve?.(confirmed);
  };

  useEffect(() => {
    setReauthenticator(
      () =>
        new Promise<boolean>((resolve) => {
          pending.current?.(false);
          pending.current = resolve;
          setValue('');
          setWithCode(false);
          setError(undefined);
          dialog.current?.showModal();
        }),
    );
    return () => {
      setReauthenticator(null);
      pending.current?.(false);
      pending.current = null;
    };
  }, [setError]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.post('/account/reauthenticate', withCode ? { code: value.replace(/\s+/g, '') } : { password: value });
      finish(true);
    });
  };

  const pointer = withCode ? '/code' : '/password';
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={() => finish(false)}>
      <form onSubmit={submit} noValidate>
        <h2 id={titleId}>{t('account.reauth.title')}</h2>
        <p>{t('account.reauth.intro')}</p>
        <ErrorAlert error={error} shown={[pointer]} />
        {withCode ? (
          <Field key="code" label={t('account.reauth.code')} error={error?.fieldError('/code')}>
            {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={40} required value={value} onChange={(event) => setValue(event.target.value)} />}
          </Field>
        ) : (
          <Field key="password" label={t('account.password')} error={error?.fieldError('/password')}>
            {(props) => <PasswordInput {...props} autoComplete="current-password" required value={value} onChange={(event) => setValue(event.target.value)} />}
          </Field>
        )}
        {session.user.totpEnabled ? (
          <p>
            <button
              type="button"
              className="button-link"
              onClick={() => {
                setWithCode((now) => !now);
                setValue('');
                setError(undefined);
              }}
            >
              {withCode ? t('account.reauth.usePassword') : t('account.reauth.useCode')}
            </button>
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy || value === ''}>
            {t('account.reauth.submit')}
          </button>
          <button type="button" className="button-secondary" onClick={() => finish(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
