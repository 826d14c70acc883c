import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Fieldset, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Topic } from '../account/api.js';
import { useNotificationKindName } from '../account/notification-kinds.js';
import { endpointPage, type Endpoint, type EndpointCreated } from './api.js';
import { EndpointStatus } from './webhook.js';
import './webhooks.css';

/** The member's webhook endpoints (member admins): list, register (the secret shown once), open one's delivery log. */
export function WebhooksPage() {
  const t = useT();
  useTitle(t('webhooks.title'));
  const { session } = useSession();
  if (!can(session, 'webhooks.manage')) {
    return (
      <>
        <PageHeader title={t('webhooks.title')} />
        <p>{t('webhooks.notAllowed')}</p>
      </>
    );
  }
  return <Endpoints />;
}

function Endpoints() {
  const t = useT();
  const endpoints = useResource<{ data: Endpoint[] }>('/webhooks/endpoints');
  const topics = useResource<{ data: Topic[] }>('/notifications/topics');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [kinds, setKinds] = useState<string[]>([]);
  const [created, setCreated] = useState<EndpointCreated | null>(null);
  const creation = useSubmit();
  const kindName = useNotificationKindName();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setCreated(null);
    void creation.run(async () => {
      const answer = await api.post<EndpointCreated>('/webhooks/endpoints', { url: url.trim(), description: description.trim(), kinds });
      setCreated(answer);
      setUrl('');
      setDescription('');
      setKinds([]);
      endpoints.reload();
    });
  };

  const allKinds = (topics.data?.data ?? []).flatMap((topic) => topic.notificationKinds);
  return (
    <>
      <PageHeader title={t('webhooks.title')} />
      <p>{t('webhooks.intro')}</p>
      {created ? (
        <Notice tone="success">
          <p>{t.rich('webhooks.created', { url: <span translate="no">{created.data.url}</span> })}</p>
          <p className="secret">
            <code>{created.secret}</code>
          </p>
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
            {t('webhooks.copySecret')}
          </button>
        </Notice>
      ) : null}
      <ErrorAlert error={endpoints.error ?? topics.error} />
      {!endpoints.data ? (
        endpoints.loading ? <Loading /> : null
      ) : endpoints.data.data.length === 0 ? (
        <p className="muted">{t('webhooks.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.url')}</th>
                <th scope="col">{t('webhooks.kinds')}</th>
                <th scope="col">{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.data.map((endpoint) => (
                <tr key={endpoint.id} className={endpoint.enabled ? undefined : 'row-disabled'}>
                  <td>
                    <Link to={endpointPage(endpoint.id)} translate="no">
                      {endpoint.url}
                    </Link>
                    {endpoint.description ? (
                      <>
                        <br />
                        <span className="muted" translate="no">
                          {endpoint.description}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>{endpoint.kinds.length ? t.list(endpoint.kinds.map(kindName)) : <span className="muted">{t('webhooks.allKinds')}</span>}</td>
                  <td>
                    <EndpointStatus endpoint={endpoint} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <form onSubmit={submit} noValidate className="subform" aria-labelledby="new-webhook">
        <h2 id="new-webhook">{t('webhooks.new')}</h2>
        <ErrorAlert error={creation.error} shown={['/url', '/description', '/kinds']} />
        <Field label={t('webhooks.url')} hint={t('webhooks.urlHint')} error={creation.error?.fieldError('/url')}>
          {(props) => <input {...props} type="url" required maxLength={2000} value={url} onChange={(event) => setUrl(event.target.value)} />}
        </Field>
        <Field label={t('webhooks.description')} error={creation.error?.fieldError('/description')}>
          {(props) => <input {...props} maxLength={200} value={description} onChange={(event) => setDescription(event.target.value)} />}
        </Field>
        <Fieldset legend={t('webhooks.kinds')} hint={t('webhooks.kindsHint')} error={creation.error?.fieldError('/kinds')} className="picker">
          <div className="kind-list">
            {allKinds.map((kind) => (
              <label key={kind} className="check">
                <input type="checkbox" checked={kinds.includes(kind)} onChange={(event) => setKinds(event.target.checked ? [...kinds, kind] : kinds.filter((item) => item !== kind))} />{' '}
                <span>
                  {kindName(kind)} <code translate="no" className="kind-code">{kind}</code>
                </span>
              </label>
            ))}
          </div>
        </Fieldset>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={creation.busy}>
            {t('webhooks.register')}
          </button>
        </div>
      </form>
    </>
  );
}
