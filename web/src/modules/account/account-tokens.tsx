import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { DateText, ErrorAlert, Field, Loading, Notice } from '../../components/ui.js';
import { ROLE_LABEL } from '../../i18n/labels.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useSession } from '../../session.js';
import { useT } from '../../i18n/index.js';
import type { Role } from '../../platform.js';
import { RolePicker } from '../directory/member-users.js';
import type { ApiToken, TokenCreated } from './api.js';

/** Tokens for machine clients (border systems, statistics offices): list, create, revoke. */
export function ApiTokens() {
  const { session } = useSession();
  const t = useT();
  const tokens = useResource<{ data: ApiToken[] }>('/account/tokens');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const creation = useSubmit();
  const revocation = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void creation.run(async () => {
      const answer = await api.post<TokenCreated>('/account/tokens', { name: name.trim(), roles, expiresInDays: Number(days) });
      setCreated({ name: answer.token.name, secret: answer.secret });
      setName('');
      setRoles([]);
      tokens.reload();
    });
  };

  const revoke = (token: ApiToken): void => {
    if (!window.confirm(t('account.tokens.confirmRevoke', { name: token.name }))) return;
    void revocation.run(async () => {
      await api.delete(`/account/tokens/${encodeURIComponent(token.id)}`);
      tokens.reload();
    });
  };

  return (
    <>
      <p>{t.rich('account.tokens.intro', { header: <code>Authorization: Bearer …</code> })}</p>
      {created ? (
        <Notice tone="success">
          <p>{t.rich('account.tokens.created', { name: <span translate="no">{created.name}</span> })}</p>
          <p className="secret">
            <code>{created.secret}</code>
          </p>
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
            {t('account.tokens.copySecret')}
          </button>
        </Notice>
      ) : null}
      <ErrorAlert error={tokens.error ?? revocation.error} />
      {!tokens.data ? (
        tokens.loading ? <Loading what={t('account.tokens.loading')} /> : null
      ) : tokens.data.data.length === 0 ? (
        <p className="muted">{t('account.tokens.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('account.tokens.name')}</th>
                <th scope="col">{t('account.profile.roles')}</th>
                <th scope="col">{t('account.tokens.createdAt')}</th>
                <th scope="col">{t('account.tokens.expires')}</th>
                <th scope="col">{t('account.tokens.lastUsed')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.data.map((token) => {
                const expired = new Date(token.expiresAt).getTime() < Date.now();
                return (
                  <tr key={token.id} className={token.revoked || expired ? 'row-disabled' : undefined}>
                    <td translate="no">{token.name}</td>
                    <td>{t.list(token.roles.map((role) => t(ROLE_LABEL[role])))}</td>
                    <td>
                      <DateText value={token.createdAt} />
                    </td>
                    <td>
                      <DateText value={token.expiresAt} />
                    </td>
                    <td>{token.lastUsedAt ? <DateText value={token.lastUsedAt} withTime /> : <span className="muted">{t('account.tokens.never')}</span>}</td>
                    <td>{token.revoked ? t('account.tokens.revoked') : expired ? t('account.tokens.expired') : t('common.active')}</td>
                    <td>
                      <div className="actions">
                        {!token.revoked && !expired ? (
                          <button type="button" className="button-small" onClick={() => revoke(token)} disabled={revocation.busy} aria-label={t('account.tokens.revokeName', { name: token.name })}>
                            {t('account.tokens.revoke')}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <form onSubmit={submit} noValidate className="subform" aria-labelledby="new-token">
        <h3 id="new-token">{t('account.tokens.new')}</h3>
        <ErrorAlert error={creation.error} shown={['/name', '/roles', '/expiresInDays']} />
        <div className="form-grid">
          <Field label={t('account.tokens.name')} hint={t('account.tokens.nameHint')} error={creation.error?.fieldError('/name')}>
            {(props) => <input {...props} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />}
          </Field>
          <Field label={t('account.tokens.days')} hint={t('account.tokens.daysHint')} error={creation.error?.fieldError('/expiresInDays')}>
            {(props) => <input {...props} type="number" min={1} max={365} required value={days} onChange={(event) => setDays(event.target.value)} />}
          </Field>
        </div>
        <RolePicker legend={t('account.tokens.roles')} value={roles} onChange={setRoles} roles={session.user.roles} error={creation.error?.fieldError('/roles')} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={creation.busy}>
            {t('account.tokens.create')}
          </button>
        </div>
      </form>
    </>
  );
}
