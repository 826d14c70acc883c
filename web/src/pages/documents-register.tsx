import { useEffect, useState, type SubmitEvent } from 'react';
import { query } from '../api.js';
import { DateText, ErrorAlert, Field, PageHeader } from '../components/ui.js';
import { usePaged, useTitle } from '../hooks.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { DocumentsTabs, TypeSelect } from './documents-check.js';
import { DOCUMENT_TYPE_LABELS, documentAbilities, STATE_LABELS, STATES, STATUS_LABELS, STATUSES, type DocumentState, type TravelDocument } from './documents-api.js';
import './documents-pages.css';

const FILTERS = ['status', 'state', 'type', 'number'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;
const PAGE_SIZE = 25;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, search.get(key) ?? ''])) as Filters;
}

export function StateBadge({ state }: { state: DocumentState }) {
  return <span className={`status status-${state}`}>{STATE_LABELS[state]}</span>;
}

/** The member's own register: its documents (and other members' reports of them, to confirm), with filters in the address. */
export function DocumentsRegisterPage() {
  useTitle('Our register of travel documents');
  const { session } = useSession();
  const abilities = documentAbilities(session.user.roles);
  const location = useLocation();
  const applied = filtersOf(location.search);
  const appliedKey = query(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const results = usePaged<TravelDocument>(`/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;

  useEffect(() => setDraft(filtersOf(new URLSearchParams(appliedKey))), [appliedKey]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    navigate(`/documents/register${query(Object.fromEntries(FILTERS.map((key) => [key, draft[key].trim()])))}`);
  };
  const set = (key: Filter, value: string): void => setDraft((current) => ({ ...current, [key]: value }));
  const filtered = FILTERS.some((key) => applied[key]);

  return (
    <>
      <PageHeader title="Travel documents">
        {abilities.write ? (
          <Link className="button" to="/documents/register/new">
            Add a document
          </Link>
        ) : null}
      </PageHeader>
      <DocumentsTabs />
      <p className="hint">
        The documents {session.user.memberName} issued and registered as lost, stolen, revoked or fraudulent, and other members’ reports of them waiting for your confirmation.
      </p>

      <form role="search" aria-label="Register" onSubmit={submit} className="search-form" noValidate>
        <div className="filters">
          <Field label="Number" hint="The number or its beginning" error={error?.fieldError('/number')}>
            {(props) => <input {...props} value={draft.number} spellCheck={false} onChange={(event) => set('number', event.target.value)} />}
          </Field>
          <Field label="Status" error={error?.fieldError('/status')}>
            {(props) => (
              <select {...props} value={draft.status} onChange={(event) => set('status', event.target.value)}>
                <option value="">Any</option>
                {STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABELS[status]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="State" error={error?.fieldError('/state')}>
            {(props) => (
              <select {...props} value={draft.state} onChange={(event) => set('state', event.target.value)}>
                <option value="">Any</option>
                {STATES.map((state) => (
                  <option key={state} value={state}>
                    {STATE_LABELS[state]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Type" error={error?.fieldError('/type')}>
            {(props) => <TypeSelect props={props} any value={draft.type} onChange={(value) => set('type', value)} />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            Apply
          </button>
          {filtered ? <Link to="/documents/register">Clear filters</Link> : null}
        </div>
      </form>

      <ErrorAlert error={error} shown={FILTERS.map((key) => `/${key}`)} />

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
                    <td>{STATUS_LABELS[item.status]}</td>
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
