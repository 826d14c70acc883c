import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Fieldset, humanise, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { ROLES, type Role } from '../../platform.js';
import { useSession } from '../../session.js';
import type { ResetSent, User } from './api.js';

/** The roles this user may hand out: no one grants a role they do not hold, except the secretariat. */
function assignableRoles(own: readonly Role[]): readonly Role[] {
  return own.includes('secretariat') ? ROLES : ROLES.filter((role) => own.includes(role));
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

function ResetLinkNotice({ sent }: { sent: ResetSent }) {
  return (
    <Notice tone="success">
      <p>A one-time link to set a password was e-mailed to {sent.emailedTo}.</p>
      {sent.resetLink ? (
        <>
          <p>No mail server is configured, so the link is shown here, this once (and the audit trail records it). Pass it on to its owner only:</p>
          <p className="secret">
            <code>{sent.resetLink}</code>
          </p>
        </>
      ) : null}
    </Notice>
  );
}

export function MemberUsers({ member }: { member: string }) {
  const { session } = useSession();
  const users = useResource<{ data: User[] }>(`/users?member=${encodeURIComponent(member)}`);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [sent, setSent] = useState<ResetSent | null>(null);
  const action = useSubmit();
  const roles = assignableRoles(session.user.roles);
  // Only the secretariat manages a secretariat user.
  const manages = (user: User): boolean => session.user.roles.includes('secretariat') || !user.roles.includes('secretariat');

  const replace = (user: User): void => {
    if (users.data) users.set({ data: users.data.data.map((item) => (item.id === user.id ? user : item)) });
  };

  const setDisabled = (user: User, disabled: boolean): void => {
    if (disabled && !window.confirm(`Disable ${user.name}? They will no longer be able to sign in.`)) return;
    void action.run(async () => {
      setSent(null);
      replace((await api.patch<{ user: User }>(`/users/${user.id}`, { disabled })).user);
    });
  };

  const sendReset = (user: User): void => {
    void action.run(async () => {
      setSent(await api.post<ResetSent>(`/users/${user.id}/password-reset`));
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
          onCreated={(created) => {
            setCreating(false);
            setSent(created);
            users.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {sent ? <ResetLinkNotice sent={sent} /> : null}
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
                      {manages(user) ? (
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
                      ) : null}
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

function CreateUser({ member, roles, onCreated, onCancel }: { member: string; roles: readonly Role[]; onCreated: (sent: ResetSent) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [chosen, setChosen] = useState<Role[]>(roles.includes('officer') ? ['officer'] : []);
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      onCreated(await api.post<{ user: User } & ResetSent>('/users', { name: name.trim(), email: email.trim(), roles: chosen, member }));
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
      {/* The roles it holds stay on offer, so they can be kept or removed. */}
      <RolePicker value={chosen} onChange={setChosen} roles={ROLES.filter((role) => roles.includes(role) || user.roles.includes(role))} error={error?.fieldError('/roles')} />
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
