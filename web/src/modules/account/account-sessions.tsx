import { useState } from 'react';
import { useIntl } from 'react-intl';
import { api } from '../../api.js';
import { DateText, ErrorAlert, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import type { AccountSession, SessionsEnded } from './api.js';

/** The user's browser sessions (ASVS 3.3.4): where it is signed in, with a sign-out for each and for all the others. */
export function AccountSessions() {
  const t = useT();
  const intl = useIntl();
  const sessions = useResource<{ data: AccountSession[] }>('/account/sessions');
  const [othersEnded, setOthersEnded] = useState<number | null>(null);
  const ending = useSubmit();

  const signOut = (session: AccountSession): void => {
    setOthersEnded(null);
    void ending.run(async () => {
      await api.delete(`/account/sessions/${encodeURIComponent(session.id)}`);
      sessions.reload();
    });
  };
  const signOutOthers = (): void => {
    if (!window.confirm(t('account.sessions.confirmOthers'))) return;
    void ending.run(async () => {
      const answer = await api.delete<SessionsEnded>('/account/sessions');
      setOthersEnded(answer.sessionsEnded);
      sessions.reload();
    });
  };

  const list = sessions.data?.data;
  return (
    <>
      <p>{t('account.sessions.intro')}</p>
      {othersEnded !== null ? (
        <Notice tone="success">
          <p>{t('account.sessions.othersEnded', { count: othersEnded })}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={sessions.error ?? ending.error} />
      {!list ? (
        sessions.loading ? <Loading what={t('account.sessions.loading')} /> : null
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('account.sessions.createdAt')}</th>
                <th scope="col">{t('account.sessions.lastSeen')}</th>
                <th scope="col">{t('account.sessions.address')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((session) => (
                <tr key={session.id}>
                  <td>
                    <DateText value={session.createdAt} withTime />
                  </td>
                  <td>
                    <DateText value={session.lastSeenAt} withTime />
                  </td>
                  <td translate="no">{session.address ?? <span className="muted">{t('account.sessions.unknownAddress')}</span>}</td>
                  <td>
                    {session.current ? (
                      <strong>{t('account.sessions.this')}</strong>
                    ) : (
                      <div className="actions">
                        {session.signedIn ? null : <span className="muted">{t('account.sessions.waiting')}</span>}
                        <button
                          type="button"
                          className="button-small"
                          onClick={() => signOut(session)}
                          disabled={ending.busy}
                          aria-label={t('account.sessions.signOutOne', { when: intl.formatDate(new Date(session.createdAt), { dateStyle: 'medium', timeStyle: 'short' }) })}
                        >
                          {t('account.sessions.signOut')}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.some((session) => !session.current) ? (
        <div className="form-actions">
          <button type="button" className="button-secondary" onClick={signOutOthers} disabled={ending.busy}>
            {t('account.sessions.signOutOthers')}
          </button>
        </div>
      ) : null}
    </>
  );
}
