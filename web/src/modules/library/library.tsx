import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, MoreButton, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { CATEGORY_LABEL, LIBRARY_CATEGORIES, type LibraryDocument } from './api.js';
import { useMembers } from '../directory/hooks.js';
import { useT } from '../../i18n/index.js';

const FILTERS = ['q', 'category', 'tag', 'language', 'owner', 'from', 'to'] as const;
const PAGE_SIZE = 20;

/** The library's list: search and filters live in the address, so a search can be bookmarked and shared. */
export function LibraryPage() {
  const t = useT();
  useTitle(t('library.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  const results = usePaged<LibraryDocument>(`/library/documents${query({ ...applied, limit: PAGE_SIZE })}`);
  const { items, next, error } = results;
  const members = useMembers();
  const { names } = members;

  return (
    <>
      <PageHeader title={t('library.title')}>
        {can(session, 'library.write') ? (
          <Link className="button" to="/library/new">
            {t('library.add')}
          </Link>
        ) : null}
      </PageHeader>

      <ListFilter
        label={t('library.title')}
        filter={filter}
        error={error}
        search={{ key: 'q', label: t('library.search'), hint: t('library.searchHint') }}
        fields={[
          { kind: 'select', key: 'category', label: t('library.category'), options: LIBRARY_CATEGORIES.map((category) => ({ value: category, label: t(CATEGORY_LABEL[category]) })) },
          { kind: 'select', key: 'owner', label: t('library.owner'), options: members.list.map((member) => ({ value: member.code, label: member.name, data: true })) },
          { kind: 'text', key: 'language', label: t('library.language'), placeholder: t('library.languagePlaceholder') },
          { kind: 'text', key: 'tag', label: t('library.tag') },
          { kind: 'date', key: 'from', label: t('library.from') },
          { kind: 'date', key: 'to', label: t('library.to') },
        ]}
      />

      <section aria-labelledby="library-results">
        <h2 id="library-results" className="visually-hidden">
          {t('library.results')}
        </h2>
        <p className="muted" role="status">
          {results.loading === 'first'
            ? t('library.searching')
            : items.length === 0
              ? filtered
                ? t('library.noMatch')
                : t('library.empty')
              : applied.q
                ? t('library.countMatching', { count: items.length, shown: `${t.number(items.length)}${next ? '+' : ''}`, query: applied.q })
                : t('library.count', { count: items.length, shown: `${t.number(items.length)}${next ? '+' : ''}` })}
        </p>
        <ol className="results">
          {items.map((item) => (
            <DocumentResult key={item.id} item={item} ownerName={names.get(item.owner) ?? item.owner} />
          ))}
        </ol>
        <MoreButton paged={results} />
      </section>
    </>
  );
}

function DocumentResult({ item, ownerName }: { item: LibraryDocument; ownerName: string }) {
  const t = useT();
  return (
    <li className="result">
      <div className="result-head">
        <h3 className="result-title">
          <Link to={`/library/${encodeURIComponent(item.id)}`} translate="no">
            {item.title}
          </Link>
        </h3>
        <TlpBadge tlp={item.sharing.tlp} />
      </div>
      <p className="meta">
        <span>{t(CATEGORY_LABEL[item.category])}</span>
        {item.date ? (
          <span>
            <DateText value={item.date} />
          </span>
        ) : null}
        <span translate="no">{ownerName}</span>
        {item.languages.length > 0 ? <span translate="no">{t.list(item.languages)}</span> : null}
        {item.hasFile ? <span>{item.fileName ? t.rich('library.file', { name: <span translate="no">{item.fileName}</span> }) : t('library.fileAttached')}</span> : null}
      </p>
      {item.snippet && item.snippet.length > 0 ? (
        <p className="snippet" translate="no">
          {item.snippet.map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
        </p>
      ) : item.summary ? (
        <p className="summary" translate="no">
          {item.summary}
        </p>
      ) : null}
      {item.tags.length > 0 ? (
        <ul className="tags" aria-label={t('library.tags')} translate="no">
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
