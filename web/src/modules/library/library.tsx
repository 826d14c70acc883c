import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, humanise, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { LIBRARY_CATEGORIES, type LibraryDocument } from './api.js';
import { useMembers } from '../directory/hooks.js';

const FILTERS = ['q', 'category', 'tag', 'language', 'owner', 'from', 'to'] as const;
const PAGE_SIZE = 20;

/** The library's list: search and filters live in the address, so a search can be bookmarked and shared. */
export function LibraryPage() {
  useTitle('Library');
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<LibraryDocument>(`/library/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;
  const members = useMembers();
  const { names } = members;

  return (
    <>
      <PageHeader title="Library">
        {can(session, 'library.write') ? (
          <Link className="button" to="/library/new">
            Add document
          </Link>
        ) : null}
      </PageHeader>

      <ListFilter
        label="Library"
        filter={filter}
        error={error}
        search={{ key: 'q', label: 'Search the library', hint: 'Words to find; quotes for a phrase, - to leave a word out, OR for either.' }}
        fields={[
          { kind: 'select', key: 'category', label: 'Category', options: LIBRARY_CATEGORIES.map((category) => ({ value: category, label: humanise(category) })) },
          { kind: 'select', key: 'owner', label: 'Owner', options: members.list.map((member) => ({ value: member.code, label: member.name })) },
          { kind: 'text', key: 'language', label: 'Language code', placeholder: 'en, id, th…' },
          { kind: 'text', key: 'tag', label: 'Tag' },
          { kind: 'date', key: 'from', label: 'Dated from' },
          { kind: 'date', key: 'to', label: 'Dated to' },
        ]}
      />

      <section aria-labelledby="library-results">
        <h2 id="library-results" className="visually-hidden">
          Results
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first' ? 'Searching…' : items.length === 0 ? (filtered ? 'No document matches.' : 'The library is empty.') : `${items.length}${next ? '+' : ''} documents${applied.q ? ` matching “${applied.q}”` : ''}`}
        </p>
        <ol className="results">
          {items.map((item) => (
            <DocumentResult key={item.id} item={item} ownerName={names.get(item.owner) ?? item.owner} />
          ))}
        </ol>
        {next ? (
          <button type="button" className="button-secondary more" onClick={results.more} disabled={results.loading !== null}>
            {results.loading === 'more' ? 'Loading…' : 'More'}
          </button>
        ) : null}
      </section>
    </>
  );
}

function DocumentResult({ item, ownerName }: { item: LibraryDocument; ownerName: string }) {
  return (
    <li className="result">
      <div className="result-head">
        <h3 className="result-title">
          <Link to={`/library/${encodeURIComponent(item.id)}`}>{item.title}</Link>
        </h3>
        <TlpBadge tlp={item.sharing.tlp} />
      </div>
      <p className="meta">
        <span>{humanise(item.category)}</span>
        {item.date ? (
          <span>
            <DateText value={item.date} />
          </span>
        ) : null}
        <span>{ownerName}</span>
        {item.languages.length > 0 ? <span>{item.languages.join(', ')}</span> : null}
        {item.hasFile ? <span>File: {item.fileName ?? 'attached'}</span> : null}
      </p>
      {item.snippet && item.snippet.length > 0 ? (
        <p className="snippet">
          {item.snippet.map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
        </p>
      ) : item.summary ? (
        <p className="summary">{item.summary}</p>
      ) : null}
      {item.tags.length > 0 ? (
        <ul className="tags" aria-label="Tags">
          {item.tags.map((tag) => (
            <li key={tag}>
              <Link to={`/library${query({ tag })}`}>{tag}</Link>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
