import { useEffect, useState, type SubmitEvent } from 'react';
import { LIBRARY_CATEGORIES, query, type LibraryDocument, type MemberSummary } from '../api.js';
import { DateText, ErrorAlert, Field, humanise, PageHeader, TlpBadge } from '../components/ui.js';
import { usePaged, useResource, useTitle } from '../hooks.js';
import { Link, navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

const FILTERS = ['q', 'category', 'tag', 'language', 'owner', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;
const PAGE_SIZE = 20;

function filtersOf(search: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((key) => [key, search.get(key) ?? ''])) as Filters;
}

/** The library's list: search and filters live in the address, so a search can be bookmarked and shared. */
export function LibraryPage() {
  useTitle('Library');
  const { session } = useSession();
  const location = useLocation();
  const applied = filtersOf(location.search);
  const appliedKey = query(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const results = usePaged<LibraryDocument>(`/library/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const names = new Map((members.data?.data ?? []).map((member) => [member.code, member.name]));

  // A new address (a tag link, back, clear) puts its filters in the form.
  useEffect(() => setDraft(filtersOf(new URLSearchParams(appliedKey))), [appliedKey]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const trimmed = Object.fromEntries(FILTERS.map((key) => [key, draft[key].trim()]));
    navigate(`/library${query(trimmed)}`);
  };

  const set = (key: Filter, value: string): void => setDraft((current) => ({ ...current, [key]: value }));
  const filtered = FILTERS.some((key) => applied[key]);

  return (
    <>
      <PageHeader title="Library">
        {session.abilities.writeLibrary ? (
          <Link className="button" to="/library/new">
            Add document
          </Link>
        ) : null}
      </PageHeader>

      <form role="search" aria-label="Library" onSubmit={submit} className="search-form" noValidate>
        <div className="search-main">
          <Field label="Search the library" hint="Words to find; quotes for a phrase, - to leave a word out, OR for either." error={error?.fieldError('/q')}>
            {(props) => <input {...props} type="search" name="q" value={draft.q} onChange={(event) => set('q', event.target.value)} />}
          </Field>
          <button type="submit" className="button-primary">
            Search
          </button>
        </div>
        <div className="filters">
          <Field label="Category" error={error?.fieldError('/category')}>
            {(props) => (
              <select {...props} value={draft.category} onChange={(event) => set('category', event.target.value)}>
                <option value="">Any</option>
                {LIBRARY_CATEGORIES.map((category) => (
                  <option key={category} value={category}>
                    {humanise(category)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Owner" error={error?.fieldError('/owner')}>
            {(props) => (
              <select {...props} value={draft.owner} onChange={(event) => set('owner', event.target.value)}>
                <option value="">Any</option>
                {(members.data?.data ?? []).map((member) => (
                  <option key={member.code} value={member.code}>
                    {member.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Language code" error={error?.fieldError('/language')}>
            {(props) => <input {...props} value={draft.language} placeholder="en, id, th…" onChange={(event) => set('language', event.target.value)} />}
          </Field>
          <Field label="Tag" error={error?.fieldError('/tag')}>
            {(props) => <input {...props} value={draft.tag} onChange={(event) => set('tag', event.target.value)} />}
          </Field>
          <Field label="Dated from" error={error?.fieldError('/from')}>
            {(props) => <input {...props} type="date" value={draft.from} onChange={(event) => set('from', event.target.value)} />}
          </Field>
          <Field label="Dated to" error={error?.fieldError('/to')}>
            {(props) => <input {...props} type="date" value={draft.to} onChange={(event) => set('to', event.target.value)} />}
          </Field>
        </div>
        {filtered ? (
          <p>
            <Link to="/library">Clear search and filters</Link>
          </p>
        ) : null}
      </form>

      <ErrorAlert error={error} shown={FILTERS.map((key) => `/${key}`)} />

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
