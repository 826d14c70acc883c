import type { ReactNode } from 'react';
import { DateText, PageHeader, RecordPending } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { useT, type MessageId } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { AgreementActions } from './agreement-actions.js';
import { AgreementStatus, Validity } from './agreements.js';
import { agreementPath, BIOGRAPHIC_LABEL, labelIn, PURPOSE_LABEL, STEP_ONE_LABEL, type Agreement } from './api.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

/** A code the API sent: its label when this web app knows it, else the code itself as data. */
export function Coded({ labels, code }: { labels: Readonly<Record<string, MessageId>>; code: string }) {
  const t = useT();
  const label = labelIn(labels, code);
  return label ? <>{t(label)}</> : <code>{code}</code>;
}

/** An agreement its parties read: who may search whom, for what, what each step answers, and who has accepted it. */
export function AgreementPage({ id }: { id: string }) {
  const t = useT();
  const agreement = useResource<{ data: Agreement }>(agreementPath(id));
  useTitle(agreement.data?.data.title ?? t('biometrics.agreement.title'));
  if (!agreement.data) {
    return <RecordPending error={agreement.error} title={t('biometrics.agreement.title')} notFound={t('biometrics.agreement.notFound')} tabs={<BiometricsTabs />} />;
  }
  const data = agreement.data.data;
  return (
    <>
      <PageHeader title={<span translate="no">{data.title}</span>}>
        {data.abilities.search ? (
          <Link className="button" to={`/biometrics/search?agreement=${encodeURIComponent(data.id)}`}>
            {t('biometrics.agreement.searchUnder')}
          </Link>
        ) : null}
      </PageHeader>
      <BiometricsTabs />
      <p className="agreement-standing">
        <AgreementStatus agreement={data} />
      </p>
      <StatusReason agreement={data} />
      <AgreementActions agreement={data} onChange={(changed) => agreement.set({ data: changed })} />
      <div className="document-layout">
        <AgreementTerms agreement={data} />
        <AgreementFacts agreement={data} />
      </div>
    </>
  );
}

function StatusReason({ agreement }: { agreement: Agreement }) {
  const t = useT();
  const members = useMembers();
  if (!agreement.statusReason || agreement.status === 'active') return null;
  const by = <span translate="no">{members.names.get(agreement.statusBy ?? '') ?? agreement.statusBy}</span>;
  return (
    <div className="alert alert-warning">
      <p>{agreement.status === 'suspended' ? t.rich('biometrics.agreement.suspendedBy', { member: by }) : t.rich('biometrics.agreement.terminatedBy', { member: by })}</p>
      <p className="body-text" translate="no">
        {agreement.statusReason}
      </p>
    </div>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** What the parties agreed: directions, purposes, and what each step answers. */
function AgreementTerms({ agreement }: { agreement: Agreement }) {
  const t = useT();
  const members = useMembers();
  const name = (code: string): ReactNode => <span translate="no">{members.names.get(code) ?? code}</span>;
  return (
    <article className="document-body agreement-terms">
      <Section id="agreement-directions" title={t('biometrics.agreement.directions')}>
        <ul className="plain-list">
          {agreement.directions.map((direction) => (
            <li key={`${direction.searcher}>${direction.holder}`}>{t.rich('biometrics.agreement.direction', { searcher: name(direction.searcher), holder: name(direction.holder) })}</li>
          ))}
        </ul>
      </Section>
      <Section id="agreement-purposes" title={t('biometrics.agreement.purposes')}>
        <ul className="plain-list">
          {agreement.purposes.map((purpose) => (
            <li key={purpose}>
              <Coded labels={PURPOSE_LABEL} code={purpose} />
            </li>
          ))}
        </ul>
      </Section>
      <Section id="agreement-step-one" title={t('biometrics.agreement.stepOne')}>
        <p>
          <Coded labels={STEP_ONE_LABEL} code={agreement.stepOne} />
        </p>
      </Section>
      <Section id="agreement-step-two" title={t('biometrics.agreement.stepTwo')}>
        <dl className="details">
          <dt>{t('biometrics.agreement.stepTwoFields')}</dt>
          <dd>
            {agreement.stepTwoFields.length === 0
              ? t('biometrics.agreement.noFields')
              : agreement.stepTwoFields.map((field, index) => (
                  <span key={field}>
                    {index > 0 ? ', ' : null}
                    <Coded labels={BIOGRAPHIC_LABEL} code={field} />
                  </span>
                ))}
          </dd>
          <dt>{t('biometrics.agreement.stepTwoImages')}</dt>
          <dd>{agreement.stepTwoImages ? t('biometrics.agreement.imagesShown') : t('biometrics.agreement.imagesNotShown')}</dd>
          <dt>{t('biometrics.agreement.stepTwoHours')}</dt>
          <dd>{t('biometrics.agreement.hours', { count: agreement.stepTwoHours })}</dd>
        </dl>
      </Section>
      <Section id="agreement-parties" title={t('biometrics.agreement.acceptances')}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('biometrics.agreement.party')}</th>
                <th scope="col">{t('biometrics.agreement.accepted')}</th>
              </tr>
            </thead>
            <tbody>
              {agreement.parties.map((party) => (
                <tr key={party.member}>
                  <td>
                    {name(party.member)}
                    {party.member === agreement.proposer ? <span className="muted"> {t('biometrics.agreement.proposerMark')}</span> : null}
                  </td>
                  <td>{party.acceptedAt ? <DateText value={party.acceptedAt} withTime /> : <span className="muted">{t('biometrics.agreement.notYet')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </article>
  );
}

/** The agreement's numbers and dates, beside its terms. */
function AgreementFacts({ agreement }: { agreement: Agreement }) {
  const t = useT();
  const members = useMembers();
  const { session } = useSession();
  const mine = agreement.directions.some((direction) => direction.searcher === session.user.member);
  return (
    <aside className="document-meta" aria-label={t('biometrics.agreement.about')}>
      <section aria-labelledby="agreement-details" className="panel">
        <h2 id="agreement-details">{t('biometrics.agreement.details')}</h2>
        <dl className="details">
          <dt>{t('biometrics.agreement.validity')}</dt>
          <dd>
            <Validity agreement={agreement} />
          </dd>
          <dt>{t('biometrics.agreement.quota')}</dt>
          <dd>{agreement.dailyQuota === null ? t('biometrics.agreement.noQuota') : t('biometrics.agreement.quotaValue', { count: agreement.dailyQuota })}</dd>
          <dt>{t('biometrics.agreement.retention')}</dt>
          <dd>{t('biometrics.agreement.days', { count: agreement.queryRetentionDays })}</dd>
          <dt>{t('biometrics.agreement.formats')}</dt>
          <dd>
            {agreement.formats.map((format) => (
              <code key={format} className="agreement-format">
                {format}
              </code>
            ))}
          </dd>
          <dt>{t('biometrics.agreement.proposer')}</dt>
          <dd translate="no">{members.names.get(agreement.proposer) ?? agreement.proposer}</dd>
          <dt>{t('biometrics.agreement.proposed')}</dt>
          <dd>
            <DateText value={agreement.createdAt} withTime />
          </dd>
        </dl>
        {mine ? null : <p className="hint agreement-note">{t('biometrics.agreement.noDirectionForYou')}</p>}
      </section>
    </aside>
  );
}
