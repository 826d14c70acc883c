import { FilteredList, useFilteredList } from '../../components/list-filter.js';
import { DateText, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { useMembers } from '../directory/hooks.js';
import { Coded } from './agreement.js';
import { agreementPath, PURPOSE_LABEL, type Agreement, type Search } from './api.js';
import { SearchResults } from './search-results.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

const FILTERS = ['side'] as const;

/** The member's searches and the searches of its gallery, newest first: who searched, when, under which agreement, why, and the answers its side may read. */
export function SearchesPage() {
  const t = useT();
  useTitle(t('biometrics.searches.title'));
  const { filter, paged: searches } = useFilteredList<Search, (typeof FILTERS)[number]>('/biometrics/searches', FILTERS);
  // The agreements' titles: every search cites one the reader is a party to.
  const agreements = useResource<{ data: Agreement[] }>('/biometrics/agreements');
  const titles = new Map((agreements.data?.data ?? []).map((agreement) => [agreement.id, agreement.title]));
  const members = useMembers();
  const name = (code: string) => <span translate="no">{members.names.get(code) ?? code}</span>;

  return (
    <>
      <PageHeader title={t('biometrics.title')} />
      <BiometricsTabs />
      <h2>{t('biometrics.searches.title')}</h2>
      <p className="hint">{t('biometrics.searches.hint')}</p>
      <FilteredList
        label={t('biometrics.searches.title')}
        filter={filter}
        paged={searches}
        messages={{ empty: msg('biometrics.searches.none'), noMatch: msg('biometrics.searches.noMatch'), count: msg('biometrics.searches.count') }}
        fields={[
          {
            kind: 'select',
            key: 'side',
            label: t('biometrics.searches.side'),
            options: [
              { value: 'searcher', label: t('biometrics.searches.mine') },
              { value: 'holder', label: t('biometrics.searches.ofGallery') },
            ],
          },
        ]}
      >
        {(items) => (
          <ol className="results">
            {items.map((search) => (
              <li key={search.id} className="result search-record">
                <div className="result-head">
                  <h3 className="result-title">{search.side === 'searcher' ? t('biometrics.searches.byYou') : t.rich('biometrics.searches.byOther', { member: name(search.searcher) })}</h3>
                  <DateText value={search.createdAt} withTime />
                </div>
                <p className="meta">
                  <span>
                    {t.rich('biometrics.searches.under', {
                      agreement: (
                        <Link to={agreementPath(search.agreement)} translate="no">
                          {titles.get(search.agreement) ?? search.agreement}
                        </Link>
                      ),
                    })}
                  </span>
                  <span>
                    <Coded labels={PURPOSE_LABEL} code={search.purpose} />
                  </span>
                  <span>{t.rich('biometrics.searches.keptUntil', { date: <DateText value={search.keepUntil} /> })}</span>
                </p>
                <SearchResults search={search} names={members.names} onChange={(changed) => searches.update((items) => items.map((item) => (item.id === changed.id ? changed : item)))} />
              </li>
            ))}
          </ol>
        )}
      </FilteredList>
    </>
  );
}
