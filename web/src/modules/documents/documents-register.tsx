import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, MoreButton, PageHeader } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { DOCUMENT_STATE_LABEL, DOCUMENT_STATES, DOCUMENT_STATUS_LABEL, DOCUMENT_STATUSES, DOCUMENT_TYPE_LABEL, DOCUMENT_TYPES, type DocumentState, type TravelDocument } from './api.js';
import { DocumentsTabs } from './documents-check.js';
import './documents-pages.css';

const FILTERS = ['status', 'state', 'type', 'number'] as const;
const PAGE_SIZE = 25;

export function StateBadge({ state }: { state: DocumentState }) {
  const t = useT();
  return <span className={`status status-${state}`}>{t(DOCUMENT_STATE_LABEL[state])}</span>;
}

/** The member's own register: its documents (and other members' reports of them, to confirm), with filters in the address. */
export function DocumentsRegisterPage() {
  const t = useT();
  useTitle(t('documents.register.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<TravelDocument>(`/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;

  return (
    <>
      <PageHeader title={t('documents.title')}>
        {can(session, 'documents.write') ? (
          <Link className="button" to="/documents/register/new">
            {t('documents.register.add')}
          </Link>
        ) : null}
      </PageHeader>
      <DocumentsTabs />
      <p className="hint">{t.rich('documents.register.intro', { member: <span translate="no">{session.user.memberName}</span> })}</p>

      <ListFilter
        label={t('documents.register.filter')}
        filter={filter}
        error={error}
        fields={[
          { kind: 'text', key: 'number', label: t('documents.register.number'), hint: t('documents.register.numberHint'), spellCheck: false },
          { kind: 'select', key: 'status', label: t('documents.field.status'), options: DOCUMENT_STATUSES.map((status) => ({ value: status, label: t(DOCUMENT_STATUS_LABEL[status]) })) },
          { kind: 'select', key: 'state', label: t('documents.field.state'), options: DOCUMENT_STATES.map((state) => ({ value: state, label: t(DOCUMENT_STATE_LABEL[state]) })) },
          { kind: 'select', key: 'type', label: t('documents.register.type'), options: DOCUMENT_TYPES.map((type) => ({ value: type, label: t(DOCUMENT_TYPE_LABEL[type]) })) },
        ]}
      />

      <section aria-labelledby="register-results">
        <h2 id="register-results" className="visually-hidden">
          {t('documents.register.documents')}
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first'
            ? t('ui.loading')
            : items.length === 0
              ? filtered
                ? t('documents.register.noMatch')
                : t('documents.register.empty')
              : next
                ? t('documents.register.countMore', { count: items.length })
                : t('documents.register.count', { count: items.length })}
        </p>
        {items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('documents.register.number')}</th>
                  <th scope="col">{t('documents.register.type')}</th>
                  <th scope="col">{t('documents.field.status')}</th>
                  <th scope="col">{t('documents.field.state')}</th>
                  <th scope="col">{t('documents.field.reported')}</th>
                  <th scope="col">{t('documents.field.expires')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row">
                      <Link to={`/documents/register/${encodeURIComponent(item.id)}`} translate="no">
                        {item.number}
                      </Link>
                    </th>
                    <td>{t(DOCUMENT_TYPE_LABEL[item.type])}</td>
                    <td>{t(DOCUMENT_STATUS_LABEL[item.status])}</td>
                    <td>
                      <StateBadge state={item.state} />
                    </td>
                    <td>
                      <DateText value={item.reportedOn} />
                    </td>
                    <td>
                      <DateText value={item.expiresOn} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <MoreButton paged={results} />
      </section>
    </>
  );
}
