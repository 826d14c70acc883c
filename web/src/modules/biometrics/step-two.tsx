import { Fragment } from 'react';
import { DateText, PageHeader, RecordPending } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { Coded } from './agreement.js';
import { agreementPath, BIOGRAPHIC_FIELDS, BIOGRAPHIC_LABEL, PURPOSE_LABEL, stepTwoPath, type Agreement, type StepTwo } from './api.js';
import { ProbeVerified } from './step-two-ask.js';
import { Comparison, Decision } from './step-two-decision.js';
import { between, StepTwoStatus } from './step-two-list.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

/**
 * A step-two request, as the reader's side reads it. The holder's approver compares the probe with
 * each candidate's gallery image and confirms or rejects (where `abilities.decide` says so); the
 * requester reads where it stands, the reason, and the fields disclosed once confirmed.
 */
export function StepTwoPage({ id }: { id: string }) {
  const t = useT();
  const request = useResource<{ data: StepTwo }>(stepTwoPath(id));
  // A decision changes what waits for the user (the badge and the home page).
  const { refreshUnread: recount } = useSession();
  useTitle(t('biometrics.request.title'));
  if (!request.data) {
    return <RecordPending error={request.error} title={t('biometrics.request.title')} notFound={t('biometrics.request.notFound')} tabs={<BiometricsTabs />} />;
  }
  const data = request.data.data;
  return (
    <>
      <PageHeader title={t('biometrics.request.title')} />
      <BiometricsTabs />
      <RequestFacts request={data} />
      {data.side === 'holder' ? (
        <>
          <Comparison request={data} />
          {data.abilities.decide ? <Decision
              request={data}
              onDecided={(decided) => {
                request.set({ data: decided });
                recount();
              }}
            /> : null}
        </>
      ) : (
        <Disclosed request={data} />
      )}
    </>
  );
}

/** What was asked, between whom, under which agreement, by when, and where it stands. */
function RequestFacts({ request }: { request: StepTwo }) {
  const t = useT();
  const members = useMembers();
  // Both sides are parties to the agreement: its title names it.
  const agreement = useResource<{ data: Agreement }>(agreementPath(request.agreement));
  const confirmed = request.candidates?.find((candidate) => candidate.subject === request.subject);
  return (
    <article className="card step-two-facts" aria-labelledby="request-heading">
      <div className="result-head">
        <h2 id="request-heading" className="card-title">
          {between(t, request, members.names)}
        </h2>
        <StepTwoStatus request={request} />
      </div>
      <dl className="details">
        <dt>{t('biometrics.request.agreement')}</dt>
        <dd>
          <Link to={agreementPath(request.agreement)} translate="no">
            {agreement.data?.data.title ?? request.agreement}
          </Link>
        </dd>
        <dt>{t('biometrics.search.purpose')}</dt>
        <dd>
          <Coded labels={PURPOSE_LABEL} code={request.purpose} />
        </dd>
        <dt>{t('biometrics.request.reference')}</dt>
        <dd>{request.reference ? <span translate="no">{request.reference}</span> : t('biometrics.stepTwo.allCandidates')}</dd>
        {request.note ? (
          <>
            <dt>{t('biometrics.request.note')}</dt>
            <dd className="body-text" translate="no">
              {request.note}
            </dd>
          </>
        ) : null}
        <dt>{t('biometrics.stepTwo.asked')}</dt>
        <dd>
          <DateText value={request.requestedAt} withTime />
        </dd>
        <dt>{t('biometrics.stepTwo.due')}</dt>
        <dd>
          <DateText value={request.dueAt} withTime />
        </dd>
        {request.decidedAt ? (
          <>
            <dt>{t('biometrics.request.decided')}</dt>
            <dd>
              <DateText value={request.decidedAt} withTime />
            </dd>
          </>
        ) : null}
        {confirmed ? (
          <>
            <dt>{t('biometrics.request.confirmedOn')}</dt>
            <dd translate="no">{confirmed.reference}</dd>
          </>
        ) : null}
        {request.reason ? (
          <>
            <dt>{t('biometrics.request.reason')}</dt>
            <dd className="body-text" translate="no">
              {request.reason}
            </dd>
          </>
        ) : null}
      </dl>
      <ProbeVerified request={request} />
      {request.status === 'pending' && request.side === 'requester' ? <p className="hint">{t('biometrics.request.waiting')}</p> : null}
    </article>
  );
}

/** The requester's side, once confirmed: the fields the holder disclosed, in the closed list's order, then any this web app does not know. */
function Disclosed({ request }: { request: StepTwo }) {
  const t = useT();
  if (request.status !== 'confirmed') return null;
  const disclosed = request.disclosed ?? {};
  const known: readonly string[] = BIOGRAPHIC_FIELDS;
  const fields = [...BIOGRAPHIC_FIELDS.filter((field) => disclosed[field] !== undefined), ...Object.keys(disclosed).filter((field) => !known.includes(field))];
  return (
    <section className="card step-two-disclosed" aria-labelledby="request-disclosed">
      <h2 id="request-disclosed" className="card-title">
        {t('biometrics.request.disclosed')}
      </h2>
      {fields.length === 0 ? (
        <p className="muted">{t('biometrics.request.nothingDisclosed')}</p>
      ) : (
        <dl className="details">
          {fields.map((field) => (
            <Fragment key={field}>
              <dt>
                <Coded labels={BIOGRAPHIC_LABEL} code={field} />
              </dt>
              <dd className={field === 'remarks' ? 'body-text' : undefined} translate="no">
                {disclosed[field]}
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
      <p className="hint">{t('biometrics.request.disclosedHint')}</p>
    </section>
  );
}
