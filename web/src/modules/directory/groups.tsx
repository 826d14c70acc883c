import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { CodePicker } from '../../components/code-picker.js';
import { DateText, ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberSummary } from './api.js';
import { DirectoryTabs } from './members.js';

function useMemberNames(): Map<string, string> {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  return new Map((members.data?.data ?? []).map((member) => [member.code, member.name]));
}

function Roster({ group, names }: { group: Group; names: Map<string, string> }) {
  return (
    <ul className="inline-list">
      {group.members.map((code) => (
        <li key={code}>
          <Link to={`/directory/members/${encodeURIComponent(code)}`}>{names.get(code) ?? code}</Link>
          {group.chair === code ? <span className="muted"> (chair)</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function GroupsPage() {
  useTitle('Groups');
  const { session } = useSession();
  const groups = useResource<{ data: Group[] }>('/groups');
  const names = useMemberNames();

  return (
    <>
      <PageHeader title="Directory">
        {can(session, 'groups.manage') ? (
          <Link className="button" to="/directory/groups/new">
            New group
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <ErrorAlert error={groups.error} />
      {!groups.data ? (
        groups.loading ? <Loading /> : null
      ) : groups.data.data.length === 0 ? (
        <p>Your member belongs to no sharing group.</p>
      ) : (
        <ul className="card-list">
          {groups.data.data.map((group) => (
            <li key={group.code} className="card">
              <h2 className="card-title">
                <Link to={`/directory/groups/${encodeURIComponent(group.code)}`}>{group.name}</Link>
              </h2>
              <p className="meta">
                <code>{group.code}</code> · {group.members.length} members
                {group.chair ? <> · Chair: {names.get(group.chair) ?? group.chair}</> : null}
                {group.endsOn ? (
                  <>
                    {' '}
                    · Ends <DateText value={group.endsOn} />
                  </>
                ) : null}
              </p>
              <Roster group={group} names={names} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function GroupPage({ code }: { code: string }) {
  const { session } = useSession();
  const group = useResource<{ data: Group }>(`/groups/${encodeURIComponent(code)}`);
  const names = useMemberNames();
  useTitle(group.data?.data.name ?? 'Group');

  if (!group.data) {
    return (
      <>
        <PageHeader title={group.error ? 'Group not found' : 'Group'} />
        <DirectoryTabs />
        {group.error ? <ErrorAlert error={group.error} /> : <Loading />}
      </>
    );
  }
  const { data } = group.data;
  return (
    <>
      <PageHeader title={data.name}>
        {can(session, 'groups.manage') ? (
          <Link className="button" to={`/directory/groups/${encodeURIComponent(data.code)}/edit`}>
            Edit group
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <p>
        <Link to="/directory/groups">← All groups</Link>
      </p>
      <section className="panel" aria-labelledby="group-details">
        <h2 id="group-details">Details</h2>
        <dl className="details">
          <dt>Code</dt>
          <dd>
            <code>{data.code}</code>
          </dd>
          <dt>Chair</dt>
          <dd>{data.chair ? (names.get(data.chair) ?? data.chair) : <span className="muted">None</span>}</dd>
          <dt>Ends on</dt>
          <dd>{data.endsOn ? <DateText value={data.endsOn} /> : <span className="muted">No end date</span>}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="group-roster">
        <h2 id="group-roster">Members ({data.members.length})</h2>
        <Roster group={data} names={names} />
      </section>
    </>
  );
}

export function GroupEditPage({ code }: { code: string | null }) {
  const group = useResource<{ data: Group }>(code === null ? null : `/groups/${encodeURIComponent(code)}`);
  const members = useResource<{ data: MemberSummary[] }>('/members');
  useTitle(code === null ? 'New group' : 'Edit group');
  const error = group.error ?? members.error;
  if (error || !members.data || (code !== null && !group.data)) {
    return (
      <>
        <PageHeader title={code === null ? 'New group' : 'Edit group'} />
        {error ? <ErrorAlert error={error} /> : <Loading />}
      </>
    );
  }
  return <GroupForm group={group.data?.data ?? null} members={members.data.data} />;
}

function GroupForm({ group, members }: { group: Group | null; members: MemberSummary[] }) {
  const [code, setCode] = useState(group?.code ?? '');
  const [name, setName] = useState(group?.name ?? '');
  const [roster, setRoster] = useState<string[]>(group?.members ?? []);
  const [chair, setChair] = useState(group?.chair ?? '');
  const [endsOn, setEndsOn] = useState(group?.endsOn ?? '');
  const { busy, error, run } = useSubmit();
  const back = group ? `/directory/groups/${encodeURIComponent(group.code)}` : '/directory/groups';

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const fields = { name: name.trim(), members: roster, chair: chair || null, endsOn: endsOn || null };
    void run(async () => {
      const saved = group
        ? await api.patch<{ data: Group }>(`/groups/${encodeURIComponent(group.code)}`, fields)
        : await api.post<{ data: Group }>('/groups', { code: code.trim(), ...fields });
      navigate(`/directory/groups/${encodeURIComponent(saved.data.code)}`);
    });
  };

  return (
    <>
      <PageHeader title={group ? `Edit ${group.name}` : 'New group'} />
      <form onSubmit={submit} noValidate className="form-narrow">
        <ErrorAlert error={error} shown={['/code', '/name', '/members', '/chair', '/endsOn']} />
        {group ? null : (
          <Field label="Code" hint="Lower-case letters, digits and hyphens, such as “working-group-trafficking”." error={error?.fieldError('/code')}>
            {(props) => <input {...props} required maxLength={64} value={code} onChange={(event) => setCode(event.target.value)} />}
          </Field>
        )}
        <Field label="Name" error={error?.fieldError('/name')}>
          {(props) => <input {...props} required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <CodePicker legend="Members" items={members} value={roster} onChange={setRoster} error={error?.fieldError('/members')} />
        <Field label="Chair" error={error?.fieldError('/chair')}>
          {(props) => (
            <select {...props} value={chair} onChange={(event) => setChair(event.target.value)}>
              <option value="">No chair</option>
              {members
                .filter((member) => roster.includes(member.code) || member.code === chair)
                .map((member) => (
                  <option key={member.code} value={member.code}>
                    {member.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label="Ends on" hint="Leave empty for a standing group." error={error?.fieldError('/endsOn')}>
          {(props) => <input {...props} type="date" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {group ? 'Save group' : 'Create group'}
          </button>
          <Link to={back}>Cancel</Link>
        </div>
      </form>
    </>
  );
}
