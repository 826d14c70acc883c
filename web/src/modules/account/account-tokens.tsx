import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { DateText, ErrorAlert, Field, humanise, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useSession } from '../../session.js';
import type { Role } from '../../platform.js';
import { RolePicker } from '../directory/member-users.js';
import type { ApiToken, TokenCreated } from './api.js';

/** Tokens for machine clients (border systems, statistics offices): list, create, revoke. */
export function ApiTokens() {
  const { session } = useSession();
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
    if (!window.confirm(`Revoke the token “${token.name}”? Clients using it will stop working at once.`)) return;
    void revocation.run(async () => {
      await api.delete(`/account/tokens/${encodeURIComponent(token.id)}`);
      tokens.reload();
    });
  };

  return (
    <>
      <p>Machine clients use a token instead of a password, sent as <code>Authorization: Bearer …</code>. A token can do at most what your roles allow.</p>
      {created ? (
        <Notice tone="success">
          <p>
            The token “{created.name}” was created. Copy its secret now: it is shown only once.
          </p>
          <p className="secret">
            <code>{created.secret}</code>
          </p>
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(created.secret)}>
            Copy the secret
          </button>
        </Notice>
      ) : null}
      <ErrorAlert error={tokens.error ?? revocation.error} />
      {!tokens.data ? (
        tokens.loading ? <Loading what="Loading tokens" /> : null
      ) : tokens.data.data.length === 0 ? (
        <p className="muted">You have no API tokens.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.data.map((token) => {
                const expired = new Date(token.expiresAt).getTime() < Date.now();
                return (
                  <tr key={token.id} className={token.revoked || expired ? 'row-disabled' : undefined}>
                    <td>{token.name}</td>
                    <td>{token.roles.map(humanise).join(', ')}</td>
                    <td>
                      <DateText value={token.createdAt} />
                    </td>
                    <td>
                      <DateText value={token.expiresAt} />
                    </td>
                    <td>{token.lastUsedAt ? <DateText value={token.lastUsedAt} withTime /> : <span className="muted">Never</span>}</td>
                    <td>{token.revoked ? 'Revoked' : expired ? 'Expired' : 'Active'}</td>
                    <td>
                      <div className="actions">
                        {!token.revoked && !expired ? (
                          <button type="button" className="button-small" onClick={() => revoke(token)} disabled={revocation.busy} aria-label={`Revoke ${token.name}`}>
                            Revoke
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
        <h3 id="new-token">New token</h3>
        <ErrorAlert error={creation.error} shown={['/name', '/roles', '/expiresInDays']} />
        <div className="form-grid">
          <Field label="Name" hint="What uses it, such as “Airport border system”." error={creation.error?.fieldError('/name')}>
            {(props) => <input {...props} required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />}
          </Field>
          <Field label="Valid for (days)" hint="1 to 365." error={creation.error?.fieldError('/expiresInDays')}>
            {(props) => <input {...props} type="number" min={1} max={365} required value={days} onChange={(event) => setDays(event.target.value)} />}
          </Field>
        </div>
        <RolePicker legend="Roles of the token" value={roles} onChange={setRoles} roles={session.user.roles} error={creation.error?.fieldError('/roles')} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={creation.busy}>
            Create token
          </button>
        </div>
      </form>
    </>
  );
}
