import { useState } from 'react';
import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { useResource, useTitle } from '../../hooks.js';

import { Link } from '../../router.js';
import { FocalPointsEditor } from './member-focal-points.js';
import { MemberUsers } from './member-users.js';
import { KIND_LABEL, STATUS_LABEL, TOPIC_LABEL, type MemberOne } from './api.js';
import { DirectoryTabs } from './members.js';

export function MemberPage({ code }: { code: string }) {
  const member = useResource<MemberOne>(`/members/${encodeURIComponent(code)}`);
  const [editingFocalPoints, setEditingFocalPoints] = useState(false);
  const t = useT();
  useTitle(member.data?.data.name ?? t('directory.member'));

  if (!member.data) {
    return (
      <>
        <PageHeader title={member.error ? t('directory.member.notFound') : t('directory.member')} />
        <DirectoryTabs />
        {member.error ? <ErrorAlert error={member.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = member.data;
  return (
    <>
      <PageHeader title={<span translate="no">{data.name}</span>}>
        {abilities.update ? (
          <Link className="button" to={`/directory/members/${encodeURIComponent(data.code)}/edit`}>
            {t('directory.member.edit')}
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <p>
        <Link to="/directory">{t('directory.member.back')}</Link>
      </p>

      <section aria-labelledby="member-details" className="panel">
        <h2 id="member-details">{t('library.document.details')}</h2>
        <dl className="details">
          <dt>{t('directory.code')}</dt>
          <dd>
            <code>{data.code}</code>
          </dd>
          <dt>{t('directory.kind')}</dt>
          <dd>{t(KIND_LABEL[data.kind])}</dd>
          <dt>{t('common.status')}</dt>
          <dd>{t(STATUS_LABEL[data.status])}</dd>
          <dt>{t('directory.member.totp')}</dt>
          <dd>{data.requiresTotp ? t('directory.member.totpRequired') : t('directory.member.totpOptional')}</dd>
          <dt>{t('directory.member.agencies')}</dt>
          <dd>{data.agencies.length > 0 ? <span translate="no">{data.agencies.join('; ')}</span> : <span className="muted">{t('directory.member.noAgencies')}</span>}</dd>
        </dl>
      </section>

      <section aria-labelledby="member-groups" className="panel">
        <h2 id="member-groups">{t('directory.groups')}</h2>
        {data.groups.length > 0 ? (
          <ul className="inline-list">
            {data.groups.map((group) => (
              <li key={group.code}>
                <Link to={`/directory/groups/${encodeURIComponent(group.code)}`} translate="no">
                  {group.name}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('directory.member.noGroups')}</p>
        )}
      </section>

      <section aria-labelledby="member-focal-points" className="panel">
        <div className="section-header">
          <h2 id="member-focal-points">{t('directory.focalPoints')}</h2>
          {abilities.manageFocalPoints && !editingFocalPoints ? (
            <button type="button" onClick={() => setEditingFocalPoints(true)}>
              {t('directory.focalPoints.change')}
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
                  <th scope="col">{t('directory.focalPoints.topic')}</th>
                  <th scope="col">{t('directory.name')}</th>
                  <th scope="col">{t('account.email')}</th>
                </tr>
              </thead>
              <tbody>
                {data.focalPoints.map((point) => (
                  <tr key={`${point.topic} ${point.userId}`}>
                    <td>{t(TOPIC_LABEL[point.topic])}</td>
                    <td translate="no">{point.name}</td>
                    <td translate="no">
                      <a href={`mailto:${point.email}`}>{point.email}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t('directory.focalPoints.none')}</p>
        )}
      </section>

      {abilities.manageUsers ? <MemberUsers member={data.code} /> : null}
    </>
  );
}
