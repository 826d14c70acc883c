import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, ListStatus, MoreButton, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { useMembers } from '../directory/hooks.js';
import { leadPath, SUBJECT_LABEL, SUBJECTS, type LeadItem } from './api.js';
import { LinkageTabs } from './linkage-tabs.js';
import './linkage.css';

const FILTERS = ['subject', 'owner'] as const;
const PAGE_SIZE = 25;

/** The leads the user may see, newest first; filters live in the address. */
export function LeadsPage() {
  const t = useT();
  useTitle(t('linkage.leads.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<LeadItem>(`/linkage/leads${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, error } = results;
  const members = useMembers();

  return (
    <>
      <PageHeader title={t('linkage.title')}>
        {can(session, 'linkage.write') ? (
          <Link className="button" to="/linkage/leads/new">
            {t('linkage.leads.new')}
          </Link>
        ) : null}
      </PageHeader>
      <LinkageTabs />
      <p className="hint">{t('linkage.leads.hint')}</p>
      <ListFilter
        label={t('linkage.leads.title')}
        filter={filter}
        error={error}
        fields={[
          { kind: 'select', key: 'subject', label: t('linkage.lead.field.subject'), options: SUBJECTS.map((subject) => ({ value: subject, label: t(SUBJECT_LABEL[subject]) })) },
          { kind: 'select', key: 'owner', label: t('linkage.owner'), options: members.list.map((member) => ({ value: member.code, label: member.name, data: true })) },
        ]}
      />
      <section aria-labelledby="leads-results">
        <h2 id="leads-results" className="visually-hidden">
          {t('linkage.leads.title')}
        </h2>
        <ListStatus paged={results} filtered={filtered} empty={msg('linkage.leads.empty')} noMatch={msg('linkage.leads.noMatch')} count={msg('linkage.leads.count')} />
        <ol className="results">
          {items.map((lead) => (
            <li key={lead.id} className="result">
              <div className="result-head">
                <h3 className="result-title">
                  <Link to={leadPath(lead.id)} translate="no">
                    {lead.title}
                  </Link>
                </h3>
                <TlpBadge tlp={lead.sharing.tlp} />
              </div>
              <p className="meta">
                <span>{t(SUBJECT_LABEL[lead.subject])}</span>
                <span translate="no">{members.names.get(lead.owner) ?? lead.owner}</span>
                <span>{t('linkage.leads.entities', { count: lead.entityCount })}</span>
                <span>
                  <DateText value={lead.updatedAt} />
                </span>
              </p>
            </li>
          ))}
        </ol>
        <MoreButton paged={results} />
      </section>
    </>
  );
}
