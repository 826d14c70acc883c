import { useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Fieldset, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Member, MemberKind, MemberOne, MemberStatus } from './api.js';
import { MemberReportDefaults } from './member-report-defaults.js';

function StatusChoice({ value, onChange, error }: { value: MemberStatus; onChange: (status: MemberStatus) => void; error?: string | undefined }) {
  const t = useT();
  return (
    <Fieldset legend={t('common.status')} error={error}>
      <label className="check">
        <input type="radio" name="status" checked={value === 'member'} onChange={() => onChange('member')} /> {t('directory.status.member')}
      </label>
      <label className="check">
        <input type="radio" name="status" checked={value === 'observer'} onChange={() => onChange('observer')} /> {t('directory.status.observer')}
      </label>
    </Fieldset>
  );
}

export function MemberNewPage() {
  const t = useT();
  useTitle(t('directory.newMember'));
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<MemberKind>('state');
  const [status, setStatus] = useState<MemberStatus>('member');
  const { busy, error, run } = useSubmit();

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void run(async () => {
      const created = await api.post<MemberOne>('/members', { code: code.trim(), name: name.trim(), kind, status });
      navigate(`/directory/members/${encodeURIComponent(created.data.code)}`);
    });
  };

  return (
    <>
      <PageHeader title={t('directory.newMember')} />
      <form onSubmit={submit} noValidate className="form-narrow">
        <ErrorAlert error={error} shown={['/code', '/name', '/kind', '/status']} />
        <Field label={t('directory.code')} hint={t('directory.memberEdit.codeHint')} error={error?.fieldError('/code')}>
          {(props) => <input {...props} required maxLength={32} value={code} onChange={(event) => setCode(event.target.value)} />}
        </Field>
        <Field label={t('directory.name')} error={error?.fieldError('/name')}>
          {(props) => <input {...props} required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
        <Fieldset legend={t('directory.kind')} error={error?.fieldError('/kind')}>
          <label className="check">
            <input type="radio" name="kind" checked={kind === 'state'} onChange={() => setKind('state')} /> {t('directory.kind.state')}
          </label>
          <label className="check">
            <input type="radio" name="kind" checked={kind === 'organisation'} onChange={() => setKind('organisation')} /> {t('directory.memberEdit.internationalOrganisation')}
          </label>
        </Fieldset>
        <StatusChoice value={status} onChange={setStatus} error={error?.fieldError('/status')} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('directory.memberEdit.create')}
          </button>
          <Link to="/directory">{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}

export function MemberEditPage({ code }: { code: string }) {
  const member = useResource<MemberOne>(`/members/${encodeURIComponent(code)}`);
  const t = useT();
  useTitle(member.data ? t('directory.memberEdit.titleName', { name: member.data.data.name }) : t('directory.member.edit'));
  if (!member.data) {
    return (
      <>
        <PageHeader title={t('directory.member.edit')} />
        {member.error ? <ErrorAlert error={member.error} /> : <Loading />}
      </>
    );
  }
  return <MemberForm member={member.data.data} />;
}

function MemberForm({ member }: { member: Member }) {
  const t = useT();
  const { session } = useSession();
  const secretariat = can(session, 'members.manage');
  const [name, setName] = useState(member.name);
  const [status, setStatus] = useState<MemberStatus>(member.status);
  const [requiresTotp, setRequiresTotp] = useState(member.requiresTotp);
  const [agencies, setAgencies] = useState(member.agencies.join('\n'));
  const { busy, error, run } = useSubmit();
  const back = `/directory/members/${encodeURIComponent(member.code)}`;

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const list = [...new Set(agencies.split('\n').map((line) => line.trim()).filter(Boolean))];
    const change: Record<string, unknown> = { requiresTotp, agencies: list };
    if (secretariat) Object.assign(change, { name: name.trim(), status });
    void run(async () => {
      await api.patch<MemberOne>(`/members/${encodeURIComponent(member.code)}`, change);
      navigate(back);
    });
  };

  return (
    <>
      <PageHeader title={t.rich('directory.memberEdit.titleName', { name: <span translate="no">{member.name}</span> })} />
      <form onSubmit={submit} noValidate className="form-narrow">
        <ErrorAlert error={error} shown={['/name', '/status', '/requiresTotp', '/agencies']} />
        {secretariat ? (
          <>
            <Field label={t('directory.name')} error={error?.fieldError('/name')}>
              {(props) => <input {...props} required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />}
            </Field>
            <StatusChoice value={status} onChange={setStatus} error={error?.fieldError('/status')} />
          </>
        ) : null}
        <Fieldset legend={t('directory.member.totp')} error={error?.fieldError('/requiresTotp')}>
          <label className="check">
            <input type="checkbox" checked={requiresTotp} onChange={(event) => setRequiresTotp(event.target.checked)} /> {t('directory.memberEdit.requireTotp')}
          </label>
        </Fieldset>
        <Field label={t('directory.member.agencies')} hint={t('directory.memberEdit.agenciesHint')} error={error?.fieldError('/agencies')}>
          {(props) => <textarea {...props} translate="no" rows={6} value={agencies} onChange={(event) => setAgencies(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('directory.memberEdit.save')}
          </button>
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
      {member.code === session.user.member && can(session, 'reports.defaults') ? <MemberReportDefaults member={member} /> : null}
    </>
  );
}
