import { useState } from 'react';
import { ErrorAlert, humanise, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { FocalPointsEditor } from './member-focal-points.js';
import { MemberUsers } from './member-users.js';
import type { MemberOne } from './api.js';
import { DirectoryTabs } from './members.js';

export function MemberPage({ code }: { code: string }) {
  const member = useResource<MemberOne>(`/members/${encodeURIComponent(code)}`);
  const [editingFocalPoints, setEditingFocalPoints] = useState(false);
  useTitle(member.data?.data.name ?? 'Member');

  if (!member.data) {
    return (
      <>
        <PageHeader title={member.error ? 'Member not found' : 'Member'} />
        <DirectoryTabs />
        {member.error ? <ErrorAlert error={member.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = member.data;
  return (
    <>
      <PageHeader title={data.name}>
        {abilities.update ? (
          <Link className="button" to={`/directory/members/${encodeURIComponent(data.code)}/edit`}>
            Edit member
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <p>
        <Link to="/directory">← All members</Link>
      </p>

      <section aria-labelledby="member-details" className="panel">
        <h2 id="member-details">Details</h2>
        <dl className="details">
          <dt>Code</dt>
          <dd>
            <code>{data.code}</code>
          </dd>
          <dt>Kind</dt>
          <dd>{data.kind === 'state' ? 'State' : 'Organisation'}</dd>
          <dt>Status</dt>
          <dd>{data.status === 'member' ? 'Member' : 'Observer'}</dd>
          <dt>Second sign-in step</dt>
          <dd>{data.requiresTotp ? 'Required for all users' : 'Optional'}</dd>
          <dt>Agencies</dt>
          <dd>{data.agencies.length > 0 ? data.agencies.join('; ') : <span className="muted">None listed</span>}</dd>
        </dl>
      </section>

      <section aria-labelledby="member-groups" className="panel">
        <h2 id="member-groups">Groups</h2>
        {data.groups.length > 0 ? (
          <ul className="inline-list">
            {data.groups.map((group) => (
              <li key={group.code}>
                <Link to={`/directory/groups/${encodeURIComponent(group.code)}`}>{group.name}</Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No groups you can see.</p>
        )}
      </section>

      <section aria-labelledby="member-focal-points" className="panel">
        <div className="section-header">
          <h2 id="member-focal-points">Focal points</h2>
          {abilities.manageFocalPoints && !editingFocalPoints ? (
            <button type="button" onClick={() => setEditingFocalPoints(true)}>
              Change focal points
            </button>
          ) : null}
        </div>
        {editingFocalPoints ? (
          <FocalPointsEditor
            member={data}
            onSaved={(updated) => {
              member.set(updated);
              setEditingFocalPoints(false);
            }}
            onCancel={() => setEditingFocalPoints(false)}
          />
        ) : data.focalPoints.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                </tr>
              </thead>
              <tbody>
                {data.focalPoints.map((point) => (
                  <tr key={`${point.topic} ${point.userId}`}>
                    <td>{humanise(point.topic)}</td>
                    <td>{point.name}</td>
                    <td>
                      <a href={`mailto:${point.email}`}>{point.email}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No focal points named.</p>
        )}
      </section>

      {abilities.manageUsers ? <MemberUsers member={data.code} /> : null}
    </>
  );
}
