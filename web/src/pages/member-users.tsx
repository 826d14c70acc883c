import { useState, type SubmitEvent } from 'react';
import { api, ROLES, type Role, type User } from '../api.js';
import { ErrorAlert, Field, Fieldset, humanise, Loading, Notice } from '../components/ui.js';
import { useResource, useSubmit } from '../hooks.js';
import { useSession } from '../session.js';

/** The roles this user may hand out: only the secretariat makes secretariat users. */
function assignableRoles(own: readonly Role[]): readonly Role[] {
  return own.includes('secretariat') ? ROLES : ROLES.filter((role) => role !== 'secretariat');
}

export function RolePicker({ value, onChange, error, legend = 'Roles', roles }: { value: Role[]; onChange: (roles: Role[]) => void; error?: string | undefined; legend?: string; roles: readonly Role[] }) {
  const toggle = (role: Role, on: boolean): void => onChange(on ? [...value, role] : value.filter((item) => item !== role));
  return (
    <Fieldset legend={legend} error={error} className="checkbox-grid">
      {roles.map((role) => (
        <label key={role} className="check">
          <input type="checkbox" checked={value.includes(role)} onChange={(event) => toggle(role, event.target.checked)} />
          {humanise(role)}
        </label>
      ))}
    </Fieldset>
  );
}

function ResetLinkNotice({ link, who }: { link: string; who: string }) {
  return (
    <Notice tone="success">
      <p>A one-time link to set a password was e-mailed to {who}. You may also pass it on yourself:</p>
      <p className="secret">
        <code>{link}</code>
      </p>
    </Notice>
  );
}

export function MemberUsers({ member }: { member: string }) {
  const { session } = useSession();
  const users = useResource<{ data: User[] }>(`/users?member=${encodeURIComponent(member)}`);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [link, setLink] = useState<{ link: string; who: string } | null>(null);
  const action = useSubmit();
  const roles = assignableRoles(session.user.roles);

  const replace = (user: User): void => {
    if (users.data) users.set({ data: users.data.data.map((item) => (item.id === user.id ? user : item)) });
  };

  const setDisabled = (user: User, disabled: boolean): void => {
    if (disabled && !window.confirm(`Disable ${user.name}? They will no longer be able to sign in.`)) return;
    void action.run(async () => {
      setLink(null);
      replace((await api.patch<{ user: User }>(`/users/${user.id}`, { disabled })).user);
    });
  };

  const sendReset = (user: User): void => {
    void action.run(async () => {
      const answer = await api.post<{ resetLink: string }>(`/users/${user.id}/password-reset`);
      setLink({ link: answer.resetLink, who: user.email });
    });
  };

  return (
    <section aria-labelledby="member-users" className="panel">
      <div className="section-header">
        <h2 id="member-users">Users</h2>
        {!creating ? (
          <button type="button" onClick={() => setCreating(true)}>
            New user
          </button>
        ) : null}
      </div>
      {creating ? (
        <CreateUser
          member={member}
          roles={roles}
          onCreated={(user, resetLink) => {
            setCreating(false);
            setLink({ link: resetLink, who: user.email });
            users.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {link ? <ResetLinkNotice link={link.link} who={link.who} /> : null}
      <ErrorAlert error={users.error ?? action.error} />
      {!users.data ? (
        users.loading ? <Loading what="Loading users" /> : null
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Roles</th>
                <th scope="col">Two-step</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) =>
                editing === user.id ? (
                  <tr key={user.id}>
                    <td colSpan={6}>
                      <EditUser
                        user={user}
                        roles={roles}
                        onSaved={(saved) => {
                          replace(saved);
                          setEditing(null);
                        }}
                        onCancel={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={user.id} className={user.disabled ? 'row-disabled' : undefined}>
                    <td>{user.name}</td>
                    <td>{user.email}</td>
                    <td>{user.roles.map(humanise).join(', ')}</td>
                    <td>{user.totpEnabled ? 'On' : 'Off'}</td>
                    <td>{user.disabled ? 'Disabled' : 'Active'}</td>
                    <td>
                      <div className="actions">
                        <button type="button" className="button-small" onClick={() => setEditing(user.id)} aria-label={`Edit ${user.name}`}>
                          Edit
                        </button>
                        {user.id !== session.user.id ? (
                          <button type="button" className="button-small" disabled={action.busy} onClick={() => setDisabled(user, !user.disabled)} aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.name}`}>
                            {user.disabled ? 'Enable' : 'Disable'}
                          </button>
                        ) : null}
                        {!user.disabled ? (
                          <button type="button" className="button-small" disabled={action.busy} onClick={() => sendReset(user)} aria-label={`Reset link for ${user.name}`} title="Send a one-time link to set a new password">
                            Reset link
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateUser({ member, roles, onCreated, onCancel }: { member: string; roles: readonly Role[]; onCreated: (user: User, resetLink: string) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [chosen, setChosen] = useState<Role[]>(['officer']);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      const created = await api.post<{ user: User; resetLink: string }>('/users', { name: name.trim(), email: email.trim(), roles: chosen, member });
      onCreated(created.user, created.resetLink);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="subform" aria-label="New user">
      <ErrorAlert error={error} shown={['/name', '/email', '/roles']} />
      <div className="form-grid">
        <Field label="Name" error={error?.fieldError('/name')}>
          {(props) => <input {...props} required value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" />}
        </Field>
        <Field label="E-mail" error={error?.fieldError('/email')}>
          {(props) => <input {...props} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />}
        </Field>
      </div>
      <RolePicker value={chosen} onChange={setChosen} roles={roles} error={error?.fieldError('/roles')} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Create user and send link
        </button>
        <button type="button" className="button-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function EditUser({ user, roles, onSaved, onCancel }: { user: User; roles: readonly Role[]; onSaved: (user: User) => void; onCancel: () => void }) {
  const [name, setName] = useState(user.name);
  const [chosen, setChosen] = useState<Role[]>(user.roles);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      onSaved((await api.patch<{ user: User }>(`/users/${user.id}`, { name: name.trim(), roles: chosen })).user);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={`Edit ${user.name}`}>
      <ErrorAlert error={error} shown={['/name', '/roles']} />
      <Field label="Name" error={error?.fieldError('/name')}>
        {(props) => <input {...props} required value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <p className="hint">E-mail: {user.email}</p>
      <RolePicker value={chosen} onChange={setChosen} roles={roles.includes('secretariat') || !user.roles.includes('secretariat') ? roles : [...roles, 'secretariat']} error={error?.fieldError('/roles')} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          Save user
        </button>
        <button type="button" className="button-link" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
