import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { MultiCombobox } from '../../components/combobox.js';
import { CodePicker } from '../../components/code-picker.js';
import { ErrorAlert, Field, Fieldset, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT, type MessageId } from '../../i18n/index.js';
import { NAV } from '../../nav.js';
import { Link } from '../../router.js';
import { allCountries } from '../../../../src/platform/geo/countries.js';
import type { Group } from '../directory/api.js';
import { TYPE_LABEL } from '../bulletins/api.js';
import type { Subscription, SubscriptionInput, Topic } from './api.js';
import { NOTIFICATION_LABEL } from './notification-kinds.js';

const COUNTRY_OPTIONS = allCountries().map((country) => ({ value: country.code, label: country.name, data: true }));
const COUNTRY_NAME = new Map(allCountries().map((country) => [country.code, country.name]));
/** The words of kinds the web app knows, by module; another kind shows as its code. */
const KIND_LABEL: Readonly<Record<string, Readonly<Record<string, MessageId>>>> = {
  bulletins: TYPE_LABEL, reports: NOTIFICATION_LABEL, documents: NOTIFICATION_LABEL, linkage: NOTIFICATION_LABEL, biometrics: NOTIFICATION_LABEL,
};
const POINTERS = ['/module', '/kinds', '/countries', '/tags', '/groups', '/email', '/delivery'];

type Draft = Required<SubscriptionInput>;
const EMPTY: Draft = { module: '', kinds: [], countries: [], tags: [], groups: [], email: true, delivery: 'immediate' };

/** The module's name as the navigation says it, else its code. */
function useModuleName(): (module: string) => string {
  const t = useT();
  return (module) => {
    const item = NAV.find((candidate) => candidate.path === `/${module}`);
    return item ? t(item.label) : module;
  };
}

function useKindName(): (module: string, kind: string) => string {
  const t = useT();
  return (module, kind) => {
    const label = KIND_LABEL[module]?.[kind];
    return label ? t(label) : kind;
  };
}

/** The user's subscriptions to notifications: list, add, change, end (issue #26). */
export function SubscriptionsPage() {
  const t = useT();
  useTitle(t('account.subscriptions.title'));
  const subscriptions = useResource<{ data: Subscription[] }>('/account/subscriptions');
  const topics = useResource<{ data: Topic[] }>('/notifications/topics');
  const groups = useResource<{ data: Group[] }>('/groups');
  const moduleName = useModuleName();
  const kindName = useKindName();
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [saved, setSaved] = useState(false);
  const removal = useSubmit();

  const remove = (subscription: Subscription): void => {
    if (!window.confirm(t('account.subscriptions.confirmDelete', { module: moduleName(subscription.module) }))) return;
    void removal.run(async () => {
      await api.delete(`/account/subscriptions/${encodeURIComponent(subscription.id)}`);
      setSaved(false);
      subscriptions.reload();
    });
  };
  const unnarrowed = <span className="muted">{t('account.subscriptions.any')}</span>;

  return (
    <>
      <PageHeader title={t('account.subscriptions.title')}>
        <Link to="/account">{t('account.title')}</Link>
      </PageHeader>
      <p>{t('account.subscriptions.intro')}</p>
      {saved ? (
        <Notice tone="success">
          <p>{t('account.subscriptions.saved')}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={subscriptions.error ?? topics.error ?? groups.error ?? removal.error} />
      {!subscriptions.data ? (
        subscriptions.loading ? <Loading /> : null
      ) : subscriptions.data.data.length === 0 ? (
        <p className="muted">{t('account.subscriptions.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('account.subscriptions.module')}</th>
                <th scope="col">{t('account.subscriptions.kinds')}</th>
                <th scope="col">{t('account.subscriptions.countries')}</th>
                <th scope="col">{t('account.subscriptions.tags')}</th>
                <th scope="col">{t('account.subscriptions.groups')}</th>
                <th scope="col">{t('account.subscriptions.delivery')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.data.data.map((subscription) => (
                <tr key={subscription.id}>
                  <td>{moduleName(subscription.module)}</td>
                  <td>{subscription.kinds.length ? t.list(subscription.kinds.map((kind) => kindName(subscription.module, kind))) : unnarrowed}</td>
                  <td translate="no">{subscription.countries.length ? t.list(subscription.countries.map((code) => COUNTRY_NAME.get(code) ?? code)) : unnarrowed}</td>
                  <td translate="no">{subscription.tags.length ? t.list(subscription.tags) : unnarrowed}</td>
                  <td translate="no">{subscription.groups.length ? t.list(subscription.groups) : unnarrowed}</td>
                  <td>
                    {!subscription.email
                      ? t('account.subscriptions.inboxOnly')
                      : subscription.delivery === 'daily'
                        ? t('account.subscriptions.daily')
                        : t('account.subscriptions.immediate')}
                  </td>
                  <td>
                    <div className="actions">
                      <button type="button" className="button-small" onClick={() => setEditing(subscription)} aria-label={t('account.subscriptions.editName', { module: moduleName(subscription.module) })}>
                        {t('common.edit')}
                      </button>
                      <button type="button" className="button-small" onClick={() => remove(subscription)} disabled={removal.busy} aria-label={t('account.subscriptions.deleteName', { module: moduleName(subscription.module) })}>
                        {t('common.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing === null ? (
        <div className="form-actions">
          <button type="button" className="button-primary" onClick={() => setEditing('new')} disabled={!topics.data}>
            {t('account.subscriptions.new')}
          </button>
        </div>
      ) : topics.data && groups.data ? (
        <SubscriptionForm
          key={editing === 'new' ? 'new' : editing.id}
          subscription={editing === 'new' ? null : editing}
          topics={topics.data.data.filter((topic) => topic.subscribable)}
          groups={groups.data.data}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setSaved(true);
            subscriptions.reload();
          }}
        />
      ) : (
        <Loading />
      )}
    </>
  );
}

interface FormProps {
  subscription: Subscription | null;
  topics: readonly Topic[];
  groups: readonly Group[];
  onCancel: () => void;
  onSaved: () => void;
}

function SubscriptionForm({ subscription, topics, groups, onCancel, onSaved }: FormProps) {
  const t = useT();
  const moduleName = useModuleName();
  const kindName = useKindName();
  const [draft, setDraft] = useState<Draft>(subscription ? { ...subscription } : { ...EMPTY, module: topics[0]?.module ?? '' });
  const [tags, setTags] = useState(draft.tags.join(', '));
  const { busy, error, run } = useSubmit();
  const change = (part: Partial<Draft>): void => setDraft((current) => ({ ...current, ...part }));
  const topic = topics.find((candidate) => candidate.module === draft.module);
  // The form opens on a button's press: keyboard and screen-reader users start at its heading.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const body = { kinds: draft.kinds, countries: draft.countries, tags: [...new Set(tags.split(',').map((tag) => tag.trim()).filter(Boolean))], groups: draft.groups, email: draft.email, delivery: draft.delivery };
    void run(async () => {
      if (subscription) await api.patch(`/account/subscriptions/${encodeURIComponent(subscription.id)}`, body);
      else await api.post('/account/subscriptions', { module: draft.module, ...body });
      onSaved();
    });
  };

  const title = subscription ? t('account.subscriptions.editTitle', { module: moduleName(subscription.module) }) : t('account.subscriptions.new');
  return (
    <form onSubmit={submit} noValidate className="subform" aria-labelledby="subscription-form">
      <h2 id="subscription-form" ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <ErrorAlert error={error} shown={POINTERS} />
      {subscription ? null : (
        <Field label={t('account.subscriptions.module')} error={error?.fieldError('/module')}>
          {(props) => (
            <select {...props} value={draft.module} onChange={(event) => change({ module: event.target.value, kinds: [] })}>
              {topics.map((option) => (
                <option key={option.module} value={option.module}>
                  {moduleName(option.module)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {topic && topic.subscriptionKinds.length > 0 ? (
        <CodePicker
          legend={t('account.subscriptions.kinds')}
          hint={t('account.subscriptions.emptyMeansAny')}
          items={topic.subscriptionKinds.map((kind) => ({ code: kind, name: kindName(topic.module, kind) }))}
          value={draft.kinds}
          onChange={(kinds) => change({ kinds })}
          error={error?.fieldError('/kinds')}
        />
      ) : null}
      <MultiCombobox label={t('account.subscriptions.countries')} hint={t('account.subscriptions.emptyMeansAny')} options={COUNTRY_OPTIONS} value={draft.countries} onChange={(countries) => change({ countries })} error={error?.fieldError('/countries')} />
      <Field label={t('account.subscriptions.tags')} hint={t('account.subscriptions.tagsHint')} error={error?.fieldError('/tags')}>
        {(props) => <input {...props} value={tags} onChange={(event) => setTags(event.target.value)} />}
      </Field>
      {groups.length > 0 ? (
        <CodePicker
          legend={t('account.subscriptions.groups')}
          hint={t('account.subscriptions.emptyMeansAny')}
          items={groups.map((group) => ({ code: group.code, name: group.name }))}
          value={draft.groups}
          onChange={(chosen) => change({ groups: chosen })}
          error={error?.fieldError('/groups')}
        />
      ) : null}
      <label className="check">
        <input type="checkbox" checked={draft.email} onChange={(event) => change({ email: event.target.checked })} /> {t('account.subscriptions.email')}
      </label>
      {draft.email ? (
        <Fieldset legend={t('account.subscriptions.delivery')} error={error?.fieldError('/delivery')} className="radio-row">
          {(['immediate', 'daily'] as const).map((value) => (
            <label key={value} className="check">
              <input type="radio" name="delivery" checked={draft.delivery === value} onChange={() => change({ delivery: value })} />{' '}
              {value === 'daily' ? t('account.subscriptions.daily') : t('account.subscriptions.immediate')}
            </label>
          ))}
        </Fieldset>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {subscription ? t('common.saveChanges') : t('account.subscriptions.create')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
