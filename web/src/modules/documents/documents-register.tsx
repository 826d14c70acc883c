import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, PageHeader } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { DOCUMENT_STATE_LABELS, DOCUMENT_STATES, DOCUMENT_STATUS_LABELS, DOCUMENT_STATUSES, DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES, type DocumentState, type TravelDocument } from './api.js';
import { DocumentsTabs } from './documents-check.js';
import './documents-pages.css';

const FILTERS = ['status', 'state', 'type', 'number'] as const;
const PAGE_SIZE = 25;

export function StateBadge({ state }: { state: DocumentState }) {
  return <span className={`status status-${state}`}>{DOCUMENT_STATE_LABELS[state]}</span>;
}

/** The member's own register: its documents (and other members' reports of them, to confirm), with filters in the address. */
export function DocumentsRegisterPage() {
  useTitle('Our register of travel documents');
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<TravelDocument>(`/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;

  return (
    <>
      <PageHeader title="Travel documents">
        {can(session, 'documents.write') ? (
          <Link className="button" to="/documents/register/new">
            Add a document
          </Link>
        ) : null}
      </PageHeader>
      <DocumentsTabs />
      <p className="hint">
        The documents {session.user.memberName} issued and registered as lost, stolen, revoked or fraudulent, and other members’ reports of them waiting for your confirmation.
      </p>

      <ListFilter
        label="Register"
        filter={filter}
        error={error}
        fields={[
          { kind: 'text', key: 'number', label: 'Number', hint: 'The number or its beginning', spellCheck: false },
          { kind: 'select', key: 'status', label: 'Status', options: DOCUMENT_STATUSES.map((status) => ({ value: status, label: DOCUMENT_STATUS_LABELS[status] })) },
          { kind: 'select', key: 'state', label: 'State', options: DOCUMENT_STATES.map((state) => ({ value: state, label: DOCUMENT_STATE_LABELS[state] })) },
          { kind: 'select', key: 'type', label: 'Type', options: DOCUMENT_TYPES.map((type) => ({ value: type, label: DOCUMENT_TYPE_LABELS[type] })) },
        ]}
      />

      <section aria-labelledby="register-results">
        <h2 id="register-results" className="visually-hidden">
          Documents
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first' ? 'Loading…' : items.length === 0 ? (filtered ? 'No document matches.' : 'No documents registered yet.') : `${items.length}${next ? '+' : ''} documents`}
        </p>
        {items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">State</th>
                  <th scope="col">Reported</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row">
                      <Link to={`/documents/register/${encodeURIComponent(item.id)}`}>{item.number}</Link>
                    </th>
                    <td>{DOCUMENT_TYPE_LABELS[item.type]}</td>
                    <td>{DOCUMENT_STATUS_LABELS[item.status]}</td>
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
        {next ? (
          <button type="button" className="button-secondary more" onClick={results.more} disabled={results.loading !== null}>
            {results.loading === 'more' ? 'Loading…' : 'More'}
          </button>
        ) : null}
      </section>
    </>
  );
}
