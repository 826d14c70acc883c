import { useState } from 'react';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useT } from '../../i18n/index.js';
import { KIND_LABEL, STATUS_LABEL, type MemberSummary } from './api.js';

/** The tabs of the Directory module. */
export function DirectoryTabs() {
  const { path } = useLocation();
  const t = useT();
  const groups = path.startsWith('/directory/groups');
  return (
    <nav className="tabs" aria-label={t('directory.title')}>
      <ul>
        <li>
          <Link to="/directory" aria-current={!groups ? 'page' : undefined}>
            {t('directory.members')}
          </Link>
        </li>
        <li>
          <Link to="/directory/groups" aria-current={groups ? 'page' : undefined}>
            {t('directory.groups')}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

export function MembersPage() {
  const t = useT();
  useTitle(t('directory.title'));
  const { session } = useSession();
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const [filter, setFilter] = useState('');

  const needle = filter.trim().toLowerCase();
  const all = members.data?.data ?? [];
  const shown = needle ? all.filter((member) => `${member.code} ${member.name} ${t(KIND_LABEL[member.kind])} ${t(STATUS_LABEL[member.status])}`.toLowerCase().includes(needle)) : all;

  return (
    <>
      <PageHeader title={t('directory.title')}>
        {can(session, 'members.manage') ? (
          <Link className="button" to="/directory/members/new">
            {t('directory.newMember')}
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <ErrorAlert error={members.error} />
      <div className="toolbar">
        <Field label={t('directory.filter')} className="field-inline">
          {(props) => <input {...props} type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder={t('directory.filterPlaceholder')} />}
        </Field>
        <p className="muted" role="status">
          {members.data ? t('directory.shown', { shown: shown.length, count: all.length }) : ''}
        </p>
      </div>
      {members.loading && !members.data ? (
        <Loading />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('directory.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('directory.code')}</th>
                <th scope="col">{t('directory.name')}</th>
                <th scope="col">{t('directory.kind')}</th>
                <th scope="col">{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((member) => (
                <tr key={member.code} className={member.code === session.user.member ? 'row-own' : undefined}>
                  <td>
                    <code>{member.code}</code>
                  </td>
                  <td>
                    <Link to={`/directory/members/${encodeURIComponent(member.code)}`} translate="no">
                      {member.name}
                    </Link>
                    {member.code === session.user.member ? <span className="muted"> {t('directory.yourMember')}</span> : null}
                  </td>
                  <td>{t(KIND_LABEL[member.kind])}</td>
                  <td>{t(STATUS_LABEL[member.status])}</td>
                </tr>
              ))}
              {shown.length === 0 && members.data ? (
                <tr>
                  <td colSpan={4}>{t('directory.noMatch', { filter })}</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
