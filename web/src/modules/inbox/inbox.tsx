import { api } from '../../api.js';
import { DateText, ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { usePaged, useSubmit, useTitle } from '../../hooks.js';
import { recordPath } from '../../records.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import type { Notification } from './api.js';

export function InboxPage() {
  useTitle('Inbox');
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

  return (
    <>
      <PageHeader title="Inbox" />
      <p role="status">{unread === 0 ? 'No unread notifications.' : `${unread} unread notification${unread === 1 ? '' : 's'}.`}</p>
      <ErrorAlert error={inbox.error ?? marking.error} />
      {inbox.loading === 'first' ? (
        <Loading />
      ) : inbox.items.length === 0 && !inbox.error ? (
        <p>Your inbox is empty.</p>
      ) : (
        <ul className="notifications">
          {inbox.items.map((notification) => {
            const path = recordPath(notification.objectType, notification.objectId);
            return (
              <li key={notification.id} className={notification.read ? 'notification' : 'notification notification-unread'}>
                <div className="notification-head">
                  <h2 className="notification-title">
                    {notification.read ? null : <span className="visually-hidden">Unread: </span>}
                    {path ? <Link to={path}>{notification.title}</Link> : notification.title}
                  </h2>
                  <span className="meta">
                    <DateText value={notification.createdAt} withTime />
                  </span>
                </div>
                {notification.body ? <p className="notification-body">{notification.body}</p> : null}
                {!notification.read ? (
                  <button type="button" className="button-small" onClick={() => markRead(notification)} disabled={marking.busy} aria-label={`Mark as read: ${notification.title}`}>
                    Mark as read
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {inbox.next ? (
        <button type="button" className="button-secondary more" onClick={inbox.more} disabled={inbox.loading !== null}>
          {inbox.loading === 'more' ? 'Loading…' : 'More'}
        </button>
      ) : null}
    </>
  );
}
