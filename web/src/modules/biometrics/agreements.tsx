import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, ListStatus, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { AGREEMENT_STATUSES, agreementPath, STATUS_LABEL, type Agreement } from './api.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

const FILTERS = ['status'] as const;

/** Where an agreement stands, and whether a search may cite it today (an active one outside its dates may not). */
export function AgreementStatus({ agreement }: { agreement: Pick<Agreement, 'status' | 'inForce'> }) {
  const t = useT();
  return (
    <span className="agreement-status">
      <span className={`status status-agreement-${agreement.status}`}>{t(STATUS_LABEL[agreement.status])}</span>
      {agreement.status === 'active' ? (
        <span className={`status ${agreement.inForce ? 'status-in-force' : 'status-not-in-force'}`}>{agreement.inForce ? t('biometrics.agreement.inForce') : t('biometrics.agreement.notInForce')}</span>
      ) : null}
    </span>
  );
}

/** "From 1 Jan 2026 until 31 Dec 2027", or with no end. */
export function Validity({ agreement }: { agreement: Pick<Agreement, 'validFrom' | 'validUntil'> }) {
  const t = useT();
  return agreement.validUntil
    ? t.rich('biometrics.agreement.validFromUntil', { from: <DateText value={agreement.validFrom} />, until: <DateText value={agreement.validUntil} /> })
    : t.rich('biometrics.agreement.validFrom', { from: <DateText value={agreement.validFrom} /> });
}

/** The agreements the member is a party to, newest first; member-admins propose new ones. */
export function AgreementsPage() {
  const t = useT();
  useTitle(t('biometrics.agreements.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const agreements = useResource<{ data: Agreement[] }>(`/biometrics/agreements${query(applied)}`);
  const items = agreements.data?.data ?? [];
  const members = useMembers();
  const name = (code: string): string => members.names.get(code) ?? code;

  return (
    <>
      <PageHeader title={t('biometrics.title')}>
        {can(session, 'biometrics.agree') ? (
          <Link className="button" to="/biometrics/agreements/new">
            {t('biometrics.agreements.propose')}
          </Link>
        ) : null}
      </PageHeader>
      <BiometricsTabs />
      <h2>{t('biometrics.agreements.title')}</h2>
      <p className="hint">{t('biometrics.agreements.hint')}</p>
      <ListFilter
        label={t('biometrics.agreements.title')}
        filter={filter}
        error={agreements.error}
        fields={[{ kind: 'select', key: 'status', label: t('common.status'), options: AGREEMENT_STATUSES.map((status) => ({ value: status, label: t(STATUS_LABEL[status]) })) }]}
      />
      <ListStatus
        paged={{ items, next: null, loading: agreements.loading ? 'first' : null }}
        filtered={filtered}
        empty={msg('biometrics.agreements.none')}
        noMatch={msg('biometrics.agreements.noMatch')}
        count={msg('biometrics.agreements.count')}
      />
      <ol className="results">
        {items.map((agreement) => (
          <li key={agreement.id} className="result">
            <div className="result-head">
              <h3 className="result-title">
                <Link to={agreementPath(agreement.id)} translate="no">
                  {agreement.title}
                </Link>
              </h3>
              <AgreementStatus agreement={agreement} />
            </div>
            <p className="meta">
              <span>
                {t.rich('biometrics.agreements.parties', { names: <span translate="no">{t.list(agreement.parties.map((party) => name(party.member)))}</span> })}
              </span>
              <span>
                <Validity agreement={agreement} />
              </span>
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}
