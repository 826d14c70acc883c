import { useState } from 'react';
import { api } from '../../api.js';
import { DateText, ErrorAlert, Loading, Notice, PageHeader, RecordPending } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { useNotificationKindName } from '../account/notification-kinds.js';
import { endpointPath, type Delivery, type Endpoint } from './api.js';

/** Enabled, or disabled with its reason; the run of failed attempts when there is one. */
export function EndpointStatus({ endpoint }: { endpoint: Endpoint }) {
  const t = useT();
  return (
    <>
      {endpoint.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
      {!endpoint.enabled && endpoint.disabledReason ? (
        <>
          {' '}
          <span className="muted" translate="no">
            ({endpoint.disabledReason})
          </span>
        </>
      ) : null}
      {endpoint.consecutiveFailures > 0 ? (
        <>
          <br />
          <span className="muted">{t('webhooks.failures', { count: endpoint.consecutiveFailures })}</span>
        </>
      ) : null}
    </>
  );
}

const STATUS_LABEL: Readonly<Record<Delivery['status'], MessageId>> = {
  pending: msg('webhooks.status.pending'),
  sent: msg('webhooks.status.sent'),
  withheld: msg('webhooks.status.withheld'),
  failed: msg('webhooks.status.failed'),
};

/** One endpoint: enable or disable it, send a test, remove it, and its delivery log with replay. */
export function WebhookPage({ id }: { id: string }) {
  const t = useT();
  useTitle(t('webhooks.endpoint'));
  const endpoint = useResource<{ data: Endpoint }>(endpointPath(id));
  const deliveries = useResource<{ data: Delivery[] }>(`${endpointPath(id)}/deliveries`);
  const act = useSubmit();
  const [queued, setQueued] = useState(false);
  const kindName = useNotificationKindName();

  if (!endpoint.data) return <RecordPending error={endpoint.error} title={t('webhooks.endpoint')} notFound={t('webhooks.notFound')} />;
  const current = endpoint.data.data;

  const setEnabled = (enabled: boolean): void => {
    setQueued(false);
    void act.run(async () => {
      endpoint.set(await api.patch<{ data: Endpoint }>(endpointPath(id), { enabled }));
    });
  };
  const queue = (path: string): void => {
    setQueued(false);
    void act.run(async () => {
      await api.post(path);
      setQueued(true);
      deliveries.reload();
    });
  };
  const remove = (): void => {
    if (!window.confirm(t('webhooks.confirmDelete', { url: current.url }))) return;
    void act.run(async () => {
      await api.delete(endpointPath(id));
      navigate('/webhooks');
    });
  };

  return (
    <>
      <PageHeader title={t('webhooks.endpoint')}>
        <Link to="/webhooks">{t('webhooks.title')}</Link>
      </PageHeader>
      <dl className="details">
        <dt>{t('webhooks.url')}</dt>
        <dd translate="no">{current.url}</dd>
        {current.description ? (
          <>
            <dt>{t('webhooks.description')}</dt>
            <dd translate="no">{current.description}</dd>
          </>
        ) : null}
        <dt>{t('webhooks.kinds')}</dt>
        <dd>{current.kinds.length ? t.list(current.kinds.map(kindName)) : t('webhooks.allKinds')}</dd>
        <dt>{t('common.status')}</dt>
        <dd>
          <EndpointStatus endpoint={current} />
        </dd>
      </dl>
      {queued ? (
        <Notice tone="success">
          <p>{t('webhooks.queued')}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={act.error} />
      <div className="form-actions">
        {current.enabled ? (
          <button type="button" className="button-secondary" onClick={() => setEnabled(false)} disabled={act.busy}>
            {t('webhooks.disable')}
          </button>
        ) : (
          <button type="button" className="button-secondary" onClick={() => setEnabled(true)} disabled={act.busy}>
            {t('webhooks.enable')}
          </button>
        )}
        <button type="button" className="button-secondary" onClick={() => queue(`${endpointPath(id)}/test`)} disabled={act.busy || !current.enabled}>
          {t('webhooks.sendTest')}
        </button>
        <button type="button" className="button-secondary" onClick={remove} disabled={act.busy}>
          {t('common.delete')}
        </button>
      </div>

      <section aria-labelledby="webhook-deliveries">
        <div className="page-header">
          <h2 id="webhook-deliveries">{t('webhooks.deliveries')}</h2>
          <div className="page-actions">
            <button type="button" className="button-small" onClick={deliveries.reload} disabled={deliveries.loading}>
              {t('webhooks.refresh')}
            </button>
          </div>
        </div>
        <ErrorAlert error={deliveries.error} />
        {!deliveries.data ? (
          deliveries.loading ? <Loading /> : null
        ) : deliveries.data.data.length === 0 ? (
          <p className="muted">{t('webhooks.noDeliveries')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.createdAt')}</th>
                  <th scope="col">{t('webhooks.kind')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('webhooks.attempts')}</th>
                  <th scope="col">{t('webhooks.lastAttempt')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.data.map((delivery) => {
                  const last = delivery.attempts.at(-1);
                  return (
                    <tr key={delivery.id}>
                      <td>
                        <DateText value={delivery.createdAt} withTime />
                      </td>
                      <td>
                        {kindName(delivery.kind)}
                        <br />
                        <code translate="no" className="kind-code">
                          {delivery.kind}
                        </code>
                      </td>
                      <td>
                        {t(STATUS_LABEL[delivery.status])}
                        {delivery.status === 'pending' && delivery.nextAttemptAt ? (
                          <>
                            <br />
                            <span className="muted">
                              {t('webhooks.nextAttempt')} <DateText value={delivery.nextAttemptAt} withTime />
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td>{t.number(delivery.attempts.length)}</td>
                      <td>
                        {last ? (
                          <>
                            <DateText value={last.at} withTime />
                            {' · '}
                            {last.statusCode !== null ? <code>{last.statusCode}</code> : null}
                            {last.error ? (
                              <span className="muted" translate="no">
                                {' '}
                                {last.error}
                              </span>
                            ) : null}
                          </>
                        ) : (
                          <span className="muted">{t('webhooks.notYet')}</span>
                        )}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="button-small"
                          onClick={() => queue(`${endpointPath(id)}/deliveries/${encodeURIComponent(delivery.id)}/replay`)}
                          disabled={act.busy || !current.enabled}
                          aria-label={t('webhooks.replayName', { kind: kindName(delivery.kind), id: delivery.webhookId })}
                        >
                          {t('webhooks.replay')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
