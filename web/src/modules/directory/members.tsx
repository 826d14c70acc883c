import { useState } from 'react';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { MemberSummary } from './api.js';

/** The tabs of the Directory module. */
export function DirectoryTabs() {
  const { path } = useLocation();
  const groups = path.startsWith('/directory/groups');
  return (
    <nav className="tabs" aria-label="Directory">
      <ul>
        <li>
          <Link to="/directory" aria-current={!groups ? 'page' : undefined}>
            Members
          </Link>
        </li>
        <li>
          <Link to="/directory/groups" aria-current={groups ? 'page' : undefined}>
            Groups
          </Link>
        </li>
      </ul>
    </nav>
  );
}

export function MembersPage() {
  useTitle('Directory');
  const { session } = useSession();
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const [filter, setFilter] = useState('');

  const needle = filter.trim().toLowerCase();
  const all = members.data?.data ?? [];
  const shown = needle ? all.filter((member) => `${member.code} ${member.name} ${member.kind} ${member.status}`.toLowerCase().includes(needle)) : all;

  return (
    <>
      <PageHeader title="Directory">
        {can(session, 'members.manage') ? (
          <Link className="button" to="/directory/members/new">
            New member
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <ErrorAlert error={members.error} />
      <div className="toolbar">
        <Field label="Filter members" className="field-inline">
          {(props) => <input {...props} type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="Code or name" />}
        </Field>
        <p className="muted" role="status">
          {members.data ? `${shown.length} of ${all.length} members` : ''}
        </p>
      </div>
      {members.loading && !members.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Members and observers</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((member) => (
                <tr key={member.code} className={member.code === session.user.member ? 'row-own' : undefined}>
                  <td>
                    <code>{member.code}</code>
                  </td>
                  <td>
                    <Link to={`/directory/members/${encodeURIComponent(member.code)}`}>{member.name}</Link>
                    {member.code === session.user.member ? <span className="muted"> (your member)</span> : null}
                  </td>
                  <td>{member.kind === 'state' ? 'State' : 'Organisation'}</td>
                  <td>{member.status === 'member' ? 'Member' : 'Observer'}</td>
                </tr>
              ))}
              {shown.length === 0 && members.data ? (
                <tr>
                  <td colSpan={4}>No member matches “{filter}”.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
