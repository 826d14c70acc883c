import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Fieldset, Loading, Notice, SubmitOrCancel } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { ROLE_LABEL } from '../../i18n/labels.js';
import { useResource, useSubmit } from '../../hooks.js';
import { ROLES, type Role } from '../../platform.js';
import { useSession } from '../../session.js';
import type { ResetSent, User } from './api.js';


/** The roles this user may hand out: no one grants a role they do not hold, except the secretariat. */
function assignableRoles(own: readonly Role[]): readonly Role[] {
  return own.includes('secretariat') ? ROLES : ROLES.filter((role) => own.includes(role));
}

export function RolePicker({ value, onChange, error, legend, roles }: { value: Role[]; onChange: (roles: Role[]) => void; error?: string | undefined; legend?: string; roles: readonly Role[] }) {
  const t = useT();
  const toggle = (role: Role, on: boolean): void => onChange(on ? [...value, role] : value.filter((item) => item !== role));
  return (
    <Fieldset legend={legend ?? t('account.profile.roles')} error={error} className="checkbox-grid">
      {roles.map((role) => (
        <label key={role} className="check">
          <input type="checkbox" checked={value.includes(role)} onChange={(event) => toggle(role, event.target.checked)} />
          {t(ROLE_LABEL[role])}
        </label>
      ))}
    </Fieldset>
  );
}

function ResetLinkNotice({ sent }: { sent: ResetSent }) {
  const t = useT();
  return (
    <Notice tone="success">
      <p>{t.rich('directory.users.linkSent', { email: <span translate="no">{sent.emailedTo}</span> })}</p>
      {sent.resetLink ? (
        <>
          <p>{t('directory.users.linkShown')}</p>
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
  const t = useT();
  const users = useResource<{ data: User[] }>(`/users?member=${encodeURIComponent(member)}`);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [sent, setSent] = useState<ResetSent | null>(null);
  const [resetting, setResetting] = useState<string | null>(null);
  const [factorReset, setFactorReset] = useState<User | null>(null);
  const action = useSubmit();
  const roles = assignableRoles(session.user.roles);
  // Only the secretariat manages a secretariat user.
  const manages = (user: User): boolean => session.user.roles.includes('secretariat') || !user.roles.includes('secretariat');

  const replace = (user: User): void => {
    if (users.data) users.set({ data: users.data.data.map((item) => (item.id === user.id ? user : item)) });
  };

  const setDisabled = (user: User, disabled: boolean): void => {
    if (disabled && !window.confirm(t('directory.users.confirmDisable', { name: user.name }))) return;
    void action.run(async () => {
      setSent(null);
      replace((await api.patch<{ user: User }>(`/users/${user.id}`, { disabled })).user);
    });
  };

  const sendReset = (user: User): void => {
    void action.run(async () => {
      setFactorReset(null);
      setSent(await api.post<ResetSent>(`/users/${user.id}/password-reset`));
    });
  };

  return (
    <section aria-labelledby="member-users" className="panel">
      <div className="section-header">
        <h2 id="member-users">{t('directory.users.title')}</h2>
        {!creating ? (
          <button type="button" onClick={() => setCreating(true)}>
            {t('directory.users.new')}
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
      {factorReset ? (
        <Notice tone="success">
          <p>{t.rich('directory.users.twoStepReset', { name: <span translate="no">{factorReset.name}</span> })}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={users.error ?? action.error} />
      {!users.data ? (
        users.loading ? <Loading what={t('directory.users.loading')} /> : null
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('directory.name')}</th>
                <th scope="col">{t('account.email')}</th>
                <th scope="col">{t('account.profile.roles')}</th>
                <th scope="col">{t('directory.users.twoStep')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
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
                ) : resetting === user.id ? (
                  <tr key={user.id}>
                    <td colSpan={6}>
                      <ResetSecondFactor
                        user={user}
                        onReset={(reset) => {
                          replace(reset);
                          setResetting(null);
                          setSent(null);
                          setFactorReset(reset);
                        }}
                        onCancel={() => setResetting(null)}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={user.id} className={user.disabled ? 'row-disabled' : undefined}>
                    <td translate="no">{user.name}</td>
                    <td translate="no">{user.email}</td>
                    <td>{t.list(user.roles.map((role) => t(ROLE_LABEL[role])))}</td>
                    <td>{user.totpEnabled ? t('directory.users.on') : t('directory.users.off')}</td>
                    <td>{user.disabled ? t('directory.users.disabled') : t('common.active')}</td>
                    <td>
                      {manages(user) ? (
                        <div className="actions">
                          <button type="button" className="button-small" onClick={() => setEditing(user.id)} aria-label={t('directory.users.editName', { name: user.name })}>
                            {t('common.edit')}
                          </button>
                          {user.id !== session.user.id ? (
                            <button type="button" className="button-small" disabled={action.busy} onClick={() => setDisabled(user, !user.disabled)} aria-label={user.disabled ? t('directory.users.enableName', { name: user.name }) : t('directory.users.disableName', { name: user.name })}>
                              {user.disabled ? t('directory.users.enable') : t('directory.users.disable')}
                            </button>
                          ) : null}
                          {!user.disabled ? (
                            <button type="button" className="button-small" disabled={action.busy} onClick={() => sendReset(user)} aria-label={t('directory.users.resetName', { name: user.name })} title={t('directory.users.resetHint')}>
                              {t('directory.users.reset')}
                            </button>
                          ) : null}
                          {user.totpEnabled && user.id !== session.user.id ? (
                            <button type="button" className="button-small" disabled={action.busy} onClick={() => setResetting(user.id)} aria-label={t('directory.users.resetTwoStepName', { name: user.name })} title={t('directory.users.resetTwoStepHint')}>
                              {t('directory.users.resetTwoStep')}
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
  const t = useT();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      onCreated(await api.post<{ user: User } & ResetSent>('/users', { name: name.trim(), email: email.trim(), roles: chosen, member }));
    });
  };

  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={t('directory.users.new')}>
      <ErrorAlert error={error} shown={['/name', '/email', '/roles']} />
      <div className="form-grid">
        <Field label={t('directory.name')} error={error?.fieldError('/name')}>
          {(props) => <input {...props} required value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" />}
        </Field>
        <Field label={t('account.email')} error={error?.fieldError('/email')}>
          {(props) => <input {...props} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />}
        </Field>
      </div>
      <RolePicker value={chosen} onChange={setChosen} roles={roles} error={error?.fieldError('/roles')} />
      <SubmitOrCancel submit={t('directory.users.create')} busy={busy} onCancel={onCancel} />
    </form>
  );
}

function EditUser({ user, roles, onSaved, onCancel }: { user: User; roles: readonly Role[]; onSaved: (user: User) => void; onCancel: () => void }) {
  const [name, setName] = useState(user.name);
  const [chosen, setChosen] = useState<Role[]>(user.roles);
  const { busy, error, run } = useSubmit();
  const t = useT();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      onSaved((await api.patch<{ user: User }>(`/users/${user.id}`, { name: name.trim(), roles: chosen })).user);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={t('directory.users.editName', { name: user.name })}>
      <ErrorAlert error={error} shown={['/name', '/roles']} />
      <Field label={t('directory.name')} error={error?.fieldError('/name')}>
        {(props) => <input {...props} required value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <p className="hint">{t.rich('directory.users.emailIs', { email: <span translate="no">{user.email}</span> })}</p>
      {/* The roles it holds stay on offer, so they can be kept or removed. */}
      <RolePicker value={chosen} onChange={setChosen} roles={ROLES.filter((role) => roles.includes(role) || user.roles.includes(role))} error={error?.fieldError('/roles')} />
      <SubmitOrCancel submit={t('directory.users.save')} busy={busy} onCancel={onCancel} />
    </form>
  );
}

/**
 * A lost second factor's reset (ASVS 2.5.7): the administrator says how it proofed the person, as at
 * enrolment; that goes into the audit trail. The server asks for the password again when it was
 * entered too long ago (the shell's re-authentication dialog).
 */
function ResetSecondFactor({ user, onReset, onCancel }: { user: User; onReset: (user: User) => void; onCancel: () => void }) {
  const [proofing, setProofing] = useState('');
  const { busy, error, run } = useSubmit();
  const t = useT();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      onReset((await api.post<{ user: User }>(`/users/${user.id}/second-factor-reset`, { proofing: proofing.trim() })).user);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="subform" aria-label={t('directory.users.resetTwoStepName', { name: user.name })}>
      <h3>{t('directory.users.resetTwoStepName', { name: user.name })}</h3>
      <p>{t('directory.users.resetTwoStepWhat')}</p>
      <ErrorAlert error={error} shown={['/proofing']} />
      <Field label={t('directory.users.proofing')} hint={t('directory.users.proofingHint')} error={error?.fieldError('/proofing')}>
        {(props) => <textarea {...props} required rows={3} maxLength={500} value={proofing} onChange={(event) => setProofing(event.target.value)} />}
      </Field>
      <SubmitOrCancel submit={t('directory.users.resetTwoStep')} busy={busy} onCancel={onCancel} />
    </form>
  );
}
