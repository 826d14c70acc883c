import { query } from '../../api.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, ListStatus, MoreButton, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { allCountries, countryName } from '../../../../src/platform/geo/countries.js';
import { useMembers } from '../directory/hooks.js';
import { BULLETIN_TYPES, bulletinPath, TYPE_LABEL, type Bulletin } from './api.js';
import './bulletins.css';

const FILTERS = ['type', 'country', 'tag', 'unread', 'withExpired', 'drafts'] as const;
const PAGE_SIZE = 25;
const COUNTRIES = allCountries();

/** The bulletins the user may see, newest first, unread ones marked; filters live in the address. */
export function BulletinsPage() {
  const t = useT();
  useTitle(t('bulletins.title'));
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  // Expired bulletins are left out unless asked for (the API lists both when `expired` is absent).
  const results = usePaged<Bulletin>(
    `/bulletins${query({ state: applied.drafts ? 'draft' : null, type: applied.type, country: applied.country, tag: applied.tag, unread: applied.unread, expired: applied.withExpired ? null : 'false', limit: PAGE_SIZE })}`,
  );
  const members = useMembers();

  return (
    <>
      <PageHeader title={t('bulletins.title')}>
        {can(session, 'bulletins.write') ? (
          <Link className="button" to="/bulletins/new">
            {t('bulletins.new')}
          </Link>
        ) : null}
      </PageHeader>
      <ListFilter
        label={t('bulletins.title')}
        filter={filter}
        error={results.error}
        fields={[
          { kind: 'select', key: 'type', label: t('bulletins.field.type'), options: BULLETIN_TYPES.map((type) => ({ value: type, label: t(TYPE_LABEL[type]) })) },
          { kind: 'select', key: 'country', label: t('bulletins.field.country'), options: COUNTRIES.map((country) => ({ value: country.code, label: country.name, data: true })) },
          { kind: 'text', key: 'tag', label: t('bulletins.field.tag') },
          { kind: 'check', key: 'unread', label: t('bulletins.filter.unread') },
          { kind: 'check', key: 'withExpired', label: t('bulletins.filter.withExpired') },
          { kind: 'check', key: 'drafts', label: t('bulletins.filter.drafts') },
        ]}
      />
      <section aria-labelledby="bulletins-results">
        <h2 id="bulletins-results" className="visually-hidden">
          {t('bulletins.title')}
        </h2>
        <ListStatus paged={results} filtered={filtered} empty={msg('bulletins.empty')} noMatch={msg('bulletins.noMatch')} count={msg('bulletins.count')} />
        <ol className="results">
          {results.items.map((item) => (
            <li key={item.id} className={`result${item.unread ? ' bulletin-unread' : ''}`}>
              <div className="result-head">
                <h3 className="result-title">
                  {item.unread ? <span className="unread-mark">{t('bulletins.unread')}</span> : null}
                  <Link to={bulletinPath(item.id)} translate="no">
                    {item.title}
                  </Link>
                </h3>
                <TlpBadge tlp={item.sharing.tlp} />
              </div>
              <p className="meta">
                {item.draft ? <strong>{t('bulletins.draft')}</strong> : null}
                <span>{t(TYPE_LABEL[item.type])}</span>
                {item.countries.length > 0 ? <span translate="no">{t.list(item.countries.map((code) => countryName(code)))}</span> : null}
                <span translate="no">{members.names.get(item.owner) ?? item.owner}</span>
                <span>
                  <DateText value={item.updatedAt} />
                </span>
                {item.version > 1 ? <span>{t('bulletins.versionN', { version: item.version })}</span> : null}
                {item.expired ? <span className="expired">{t('bulletins.expired')}</span> : null}
              </p>
            </li>
          ))}
        </ol>
        <MoreButton paged={results} />
      </section>
    </>
  );
}
