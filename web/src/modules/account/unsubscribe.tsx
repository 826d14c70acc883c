import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Notice } from '../../components/ui.js';
import { useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { useLocation } from '../../router.js';
import { PublicCard } from './password-reset.js';

/**
 * The unsubscribe link of a notification e-mail (`/unsubscribe?subscription=…&token=…`), opened in a
 * browser: no sign-in, the token is the authority (POST /subscriptions/unsubscribe). Nothing ends until
 * the person presses the button, so a mail scanner that follows links unsubscribes no one.
 */
export function UnsubscribePage() {
  const t = useT();
  const search = useLocation().search;
  const subscription = search.get('subscription') ?? '';
  const token = search.get('token') ?? '';
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      await api.post('/subscriptions/unsubscribe', { subscription, token });
      setDone(true);
    });
  };

  if (!subscription || !token) {
    return (
      <PublicCard title={t('account.unsubscribe.title')}>
        <div className="alert alert-error" role="alert">
          <p>{t('account.unsubscribe.broken')}</p>
        </div>
      </PublicCard>
    );
  }

  return (
    <PublicCard title={t('account.unsubscribe.title')}>
      {done ? (
        <Notice tone="success">
          <p>{t('account.unsubscribe.done')}</p>
        </Notice>
      ) : (
        <form onSubmit={submit} noValidate>
          {error ? (
            error.status === 400 ? (
              <div className="alert alert-error" role="alert">
                <p>{t('account.unsubscribe.broken')}</p>
              </div>
            ) : (
              <ErrorAlert error={error} />
            )
          ) : null}
          <p>{t('account.unsubscribe.intro')}</p>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {t('account.unsubscribe.submit')}
            </button>
          </div>
        </form>
      )}
    </PublicCard>
  );
}
