import { useState, type SubmitEvent } from 'react';
import { api, query } from '../../api.js';
import { CodePicker } from '../../components/code-picker.js';
import { DateText, ErrorAlert, Field, ListStatus, Loading, MoreButton, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession, type Session } from '../../session.js';
import { bulletinPath, TYPE_LABEL, type Bulletin } from '../bulletins/api.js';
import type { Group, MemberSummary } from './api.js';
import { DirectoryTabs } from './members.js';
import { msg, useT } from '../../i18n/index.js';

/** The secretariat changes any group; the member-admins of its chair its members, theme and end date (the server decides). */
function mayEdit(session: Session, group: Group): boolean {
  return can(session, 'groups.manage') || (can(session, 'groups.update') && group.chair === session.user?.member);
}

/** A group past its end date: its members still read what was shared with it; nothing new is shared with or added through it. */
function EndedBadge({ group }: { group: Group }) {
  const t = useT();
  return group.ended ? <span className="status status-group-ended">{t('directory.group.ended')}</span> : null;
}

function useMemberNames(): Map<string, string> {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  return new Map((members.data?.data ?? []).map((member) => [member.code, member.name]));
}

function Roster({ group, names }: { group: Group; names: Map<string, string> }) {
  const t = useT();
  return (
    <ul className="inline-list">
      {group.members.map((code) => (
        <li key={code}>
          <Link to={`/directory/members/${encodeURIComponent(code)}`} translate="no">
            {names.get(code) ?? code}
          </Link>
          {group.chair === code ? <span className="muted"> {t('directory.group.chairMark')}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function GroupsPage() {
  const t = useT();
  useTitle(t('directory.groups'));
  const { session } = useSession();
  const groups = useResource<{ data: Group[] }>('/groups');
  const names = useMemberNames();

  return (
    <>
      <PageHeader title={t('directory.title')}>
        {can(session, 'groups.manage') ? (
          <Link className="button" to="/directory/groups/new">
            {t('directory.group.new')}
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <ErrorAlert error={groups.error} />
      {!groups.data ? (
        groups.loading ? <Loading /> : null
      ) : groups.data.data.length === 0 ? (
        <p>{t('directory.group.none')}</p>
      ) : (
        <ul className="card-list">
          {groups.data.data.map((group) => (
            <li key={group.code} className="card">
              <h2 className="card-title">
                <Link to={`/directory/groups/${encodeURIComponent(group.code)}`} translate="no">
                  {group.name}
                </Link>{' '}
                <EndedBadge group={group} />
              </h2>
              {group.theme ? <p translate="no">{group.theme}</p> : null}
              <p className="meta">
                <code>{group.code}</code> · {t('directory.group.memberCount', { count: group.members.length })}
                {group.chair ? <> · {t.rich('directory.group.chairIs', { name: <span translate="no">{names.get(group.chair) ?? group.chair}</span> })}</> : null}
                {group.endsOn ? <> · {t.rich('directory.group.endsOnDate', { date: <DateText value={group.endsOn} /> })}</> : null}
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
  const t = useT();
  useTitle(group.data?.data.name ?? t('directory.group'));

  if (!group.data) {
    return (
      <>
        <PageHeader title={group.error ? t('directory.group.notFound') : t('directory.group')} />
        <DirectoryTabs />
        {group.error ? <ErrorAlert error={group.error} /> : <Loading />}
      </>
    );
  }
  const { data } = group.data;
  return (
    <>
      <PageHeader title={<span translate="no">{data.name}</span>}>
        {mayEdit(session, data) ? (
          <Link className="button" to={`/directory/groups/${encodeURIComponent(data.code)}/edit`}>
            {t('directory.group.edit')}
          </Link>
        ) : null}
      </PageHeader>
      <DirectoryTabs />
      <p>
        <Link to="/directory/groups">{t('directory.group.back')}</Link>
      </p>
      {data.ended ? <Notice>{t('directory.group.endedNote')}</Notice> : null}
      <section className="panel" aria-labelledby="group-details">
        <h2 id="group-details">{t('library.document.details')}</h2>
        <dl className="details">
          <dt>{t('directory.code')}</dt>
          <dd>
            <code>{data.code}</code> <EndedBadge group={data} />
          </dd>
          <dt>{t('directory.group.theme')}</dt>
          <dd>{data.theme ? <span translate="no">{data.theme}</span> : <span className="muted">{t('directory.group.noTheme')}</span>}</dd>
          <dt>{t('directory.group.chair')}</dt>
          <dd>{data.chair ? <span translate="no">{names.get(data.chair) ?? data.chair}</span> : <span className="muted">{t('directory.group.noChairShown')}</span>}</dd>
          <dt>{t('directory.group.endsOn')}</dt>
          <dd>{data.endsOn ? <DateText value={data.endsOn} /> : <span className="muted">{t('directory.group.noEnd')}</span>}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="group-roster">
        <h2 id="group-roster">{t('directory.group.roster', { count: data.members.length })}</h2>
        <Roster group={data} names={names} />
      </section>
      <GroupBulletins group={data} names={names} />
    </>
  );
}

/** The bulletins shared with the group that the user may see, newest first (GET /bulletins?group=). */
function GroupBulletins({ group, names }: { group: Group; names: Map<string, string> }) {
  const t = useT();
  const results = usePaged<Bulletin>(`/bulletins${query({ group: group.code, limit: 25 })}`);
  return (
    <section className="panel" aria-labelledby="group-bulletins">
      <h2 id="group-bulletins">{t('directory.group.bulletins')}</h2>
      <ListStatus paged={results} filtered={false} empty={msg('directory.group.noBulletins')} noMatch={msg('directory.group.noBulletins')} count={msg('bulletins.count')} />
      {results.error ? <ErrorAlert error={results.error} /> : null}
      <ol className="results">
        {results.items.map((item) => (
          <li key={item.id} className="result">
            <div className="result-head">
              <h3 className="result-title">
                <Link to={bulletinPath(item.id)} translate="no">
                  {item.title}
                </Link>
              </h3>
              <TlpBadge tlp={item.sharing.tlp} />
            </div>
            <p className="meta">
              <span>{t(TYPE_LABEL[item.type])}</span>
              <span translate="no">{names.get(item.owner) ?? item.owner}</span>
              <span>
                <DateText value={item.updatedAt} />
              </span>
            </p>
          </li>
        ))}
      </ol>
      <MoreButton paged={results} />
    </section>
  );
}

export function GroupEditPage({ code }: { code: string | null }) {
  const group = useResource<{ data: Group }>(code === null ? null : `/groups/${encodeURIComponent(code)}`);
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const t = useT();
  useTitle(code === null ? t('directory.group.new') : t('directory.group.edit'));
  const error = group.error ?? members.error;
  if (error || !members.data || (code !== null && !group.data)) {
    return (
      <>
        <PageHeader title={code === null ? t('directory.group.new') : t('directory.group.edit')} />
        {error ? <ErrorAlert error={error} /> : <Loading />}
      </>
    );
  }
  return <GroupForm group={group.data?.data ?? null} members={members.data.data} />;
}

function GroupForm({ group, members }: { group: Group | null; members: MemberSummary[] }) {
  const t = useT();
  const { session } = useSession();
  // The chair's member-admins change the roster, theme and end date; the name and chair are the secretariat's.
  const secretariat = can(session, 'groups.manage');
  const [code, setCode] = useState(group?.code ?? '');
  const [name, setName] = useState(group?.name ?? '');
  const [theme, setTheme] = useState(group?.theme ?? '');
  const [roster, setRoster] = useState<string[]>(group?.members ?? []);
  const [chair, setChair] = useState(group?.chair ?? '');
  const [endsOn, setEndsOn] = useState(group?.endsOn ?? '');
  const { busy, error, run } = useSubmit();
  const back = group ? `/directory/groups/${encodeURIComponent(group.code)}` : '/directory/groups';

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const common = { members: roster, theme: theme.trim() || null, endsOn: endsOn || null };
    const fields = secretariat ? { ...common, name: name.trim(), chair: chair || null } : common;
    void run(async () => {
      const saved = group
        ? await api.patch<{ data: Group }>(`/groups/${encodeURIComponent(group.code)}`, fields)
        : await api.post<{ data: Group }>('/groups', { code: code.trim(), ...fields });
      navigate(`/directory/groups/${encodeURIComponent(saved.data.code)}`);
    });
  };

  return (
    <>
      <PageHeader title={group ? t.rich('directory.group.editName', { name: <span translate="no">{group.name}</span> }) : t('directory.group.new')} />
      <form onSubmit={submit} noValidate className="form-narrow">
        <ErrorAlert error={error} shown={['/code', '/name', '/theme', '/members', '/chair', '/endsOn']} />
        {group ? null : (
          <Field label={t('directory.code')} hint={t('directory.group.codeHint')} error={error?.fieldError('/code')}>
            {(props) => <input {...props} required maxLength={64} value={code} onChange={(event) => setCode(event.target.value)} />}
          </Field>
        )}
        <Field label={t('directory.name')} error={error?.fieldError('/name')}>
          {(props) => <input {...props} required maxLength={200} value={name} disabled={!secretariat} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Field label={t('directory.group.theme')} hint={t('directory.group.themeHint')} error={error?.fieldError('/theme')}>
          {(props) => <input {...props} maxLength={200} value={theme} onChange={(event) => setTheme(event.target.value)} />}
        </Field>
        <CodePicker legend={t('directory.members')} items={members} value={roster} onChange={setRoster} error={error?.fieldError('/members')} />
        <Field label={t('directory.group.chair')} error={error?.fieldError('/chair')}>
          {(props) => (
            <select {...props} value={chair} disabled={!secretariat} onChange={(event) => setChair(event.target.value)}>
              <option value="">{t('directory.group.noChair')}</option>
              {members
                .filter((member) => roster.includes(member.code) || member.code === chair)
                .map((member) => (
                  <option key={member.code} value={member.code} translate="no">
                    {member.name}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <Field label={t('directory.group.endsOn')} hint={t('directory.group.endsOnHint')} error={error?.fieldError('/endsOn')}>
          {(props) => <input {...props} type="date" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {group ? t('directory.group.save') : t('directory.group.create')}
          </button>
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
