import { api } from '../../api.js';
import { DateText, ErrorAlert, Loading, MoreButton, PageHeader } from '../../components/ui.js';
import { usePaged, useSubmit, useTitle } from '../../hooks.js';
import { recordPath } from '../../records.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useT } from '../../i18n/index.js';
import type { Notification } from './api.js';

export function InboxPage() {
  const t = useT();
  useTitle(t('inbox.title'));
  const { unread, refreshUnread } = useSession();
  const inbox = usePaged<Notification>('/inbox');
  const marking = useSubmit();

  const markRead = (notification: Notification): void => {
    void marking.run(async () => {
      await api.post(`/inbox/${encodeURIComponent(notification.id)}/read`);
      inbox.update((items) => items.map((item) => (item.id === notification.id ? { ...item, read: true } : item)));
      refreshUnread();
    });
  };

  // Following a notification to its record is acting on it: it becomes read (the badge drops live, app.tsx).
  const openUnread = (notification: Notification): void => {
    api.post(`/inbox/${encodeURIComponent(notification.id)}/read`).then(refreshUnread, () => undefined);
  };

  return (
    <>
      <PageHeader title={t('inbox.title')}>
        <Link to="/account/subscriptions">{t('inbox.subscriptions')}</Link>
      </PageHeader>
      <p role="status">{t('inbox.unread', { count: unread })}</p>
      <ErrorAlert error={inbox.error ?? marking.error} />
      {inbox.loading === 'first' ? (
        <Loading />
      ) : inbox.items.length === 0 && !inbox.error ? (
        <p>{t('inbox.empty')}</p>
      ) : (
        <ul className="notifications">
          {inbox.items.map((notification) => {
            const path = recordPath(notification.objectType, notification.objectId);
            return (
              <li key={notification.id} className={notification.read ? 'notification' : 'notification notification-unread'}>
                <div className="notification-head">
                  <h2 className="notification-title">
                    {notification.read ? null : <span className="visually-hidden">{t('inbox.unreadPrefix')} </span>}
                    {/* A notification's words are the server's (src/platform/notify), written when it was sent. */}
                    {path ? (
                      <Link to={path} translate="no" onClick={() => (notification.read ? undefined : openUnread(notification))}>
                        {notification.title}
                      </Link>
                    ) : (
                      <span translate="no">{notification.title}</span>
                    )}
                  </h2>
                  <span className="meta">
                    <DateText value={notification.createdAt} withTime />
                  </span>
                </div>
                {notification.body ? <p className="notification-body" translate="no">
                    {notification.body}
                  </p> : null}
                {!notification.read ? (
                  <button type="button" className="button-small" onClick={() => markRead(notification)} disabled={marking.busy} aria-label={t('inbox.markReadName', { title: notification.title })}>
                    {t('inbox.markRead')}
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <MoreButton paged={inbox} />
    </>
  );
}
