import { useState } from 'react';
import { api, query } from '../../api.js';
import { download } from '../../components/charts/download.js';
import { ListFilter, useListFilter } from '../../components/list-filter.js';
import { DateText, ErrorAlert, ListStatus, MoreButton, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { usePaged, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { allCountries, countryName } from '../../../../src/platform/geo/countries.js';
import { useMembers } from '../directory/hooks.js';
import { BULLETIN_TYPES, bulletinPath, TYPE_LABEL, type Bulletin } from './api.js';
import { BulletinsTabs } from './tabs.js';
import './bulletins.css';

const FILTERS = ['type', 'country', 'tag', 'unread', 'withExpired'] as const;
const PAGE_SIZE = 25;
/** The most bulletins one export holds (the API's page limit). */
const EXPORT_LIMIT = 100;
const COUNTRIES = allCountries();

/**
 * The bulletins the user may see, newest first, unread ones marked; or (`drafts`) the drafts of the
 * user's member, which only its users see. Filters live in the address; the list as shown downloads
 * as a STIX 2.1 bundle of what the user may pass on.
 */
export function BulletinsPage({ drafts = false }: { drafts?: boolean }) {
  const t = useT();
  const title = drafts ? t('bulletins.drafts.title') : t('bulletins.title');
  useTitle(title);
  const { session } = useSession();
  const filter = useListFilter(FILTERS);
  const { applied, filtered } = filter;
  // Expired bulletins are left out unless asked for (the API lists both when `expired` is absent).
  const listQuery = (limit: number) =>
    query({ state: drafts ? 'draft' : null, type: applied.type, country: applied.country, tag: applied.tag, unread: applied.unread, expired: applied.withExpired ? null : 'false', limit });
  const results = usePaged<Bulletin>(`/bulletins${listQuery(PAGE_SIZE)}`);
  const members = useMembers();
  const exporting = useSubmit();
  const [withheld, setWithheld] = useState<number | null>(null);

  /** The bulletins listed (as many as the pages loaded, up to the API's limit) as one bundle; those rule 5 keeps back are counted. */
  const exportShown = (): void => {
    setWithheld(null);
    void exporting.run(async () => {
      const { blob, headers } = await api.getFile(`/bulletins/export.stix${listQuery(Math.min(EXPORT_LIMIT, Math.max(PAGE_SIZE, results.items.length)))}`);
      setWithheld(Number(headers.get('lintas-withheld-records') ?? '0'));
      download(drafts ? 'lintas-bulletin-drafts.stix.json' : 'lintas-bulletins.stix.json', blob);
    });
  };

  return (
    <>
      <PageHeader title={title}>
        {results.items.length > 0 ? (
          <button type="button" className="button-secondary" disabled={exporting.busy} onClick={exportShown}>
            {t('bulletins.exportList')}
          </button>
        ) : null}
        {can(session, 'bulletins.write') ? (
          <Link className="button" to="/bulletins/new">
            {t('bulletins.new')}
          </Link>
        ) : null}
      </PageHeader>
      <BulletinsTabs />
      {drafts ? <p className="muted">{t('bulletins.drafts.intro')}</p> : null}
      <ErrorAlert error={exporting.error} />
      {withheld ? <Notice tone="warning">{t('bulletins.exportWithheld', { count: withheld })}</Notice> : null}
      <ListFilter
        label={t('bulletins.title')}
        filter={filter}
        error={results.error}
        fields={[
          { kind: 'select', key: 'type', label: t('bulletins.field.type'), options: BULLETIN_TYPES.map((type) => ({ value: type, label: t(TYPE_LABEL[type]) })) },
          { kind: 'select', key: 'country', label: t('bulletins.field.country'), options: COUNTRIES.map((country) => ({ value: country.code, label: country.name, data: true })) },
          { kind: 'text', key: 'tag', label: t('bulletins.field.tag') },
          // A draft is its member's own: there is nothing unread among them.
          ...(drafts ? [] : [{ kind: 'check', key: 'unread', label: t('bulletins.filter.unread') } as const]),
          { kind: 'check', key: 'withExpired', label: t('bulletins.filter.withExpired') },
        ]}
      />
      <section aria-labelledby="bulletins-results">
        <h2 id="bulletins-results" className="visually-hidden">
          {title}
        </h2>
        <ListStatus
          paged={results}
          filtered={filtered}
          empty={drafts ? msg('bulletins.drafts.empty') : msg('bulletins.empty')}
          noMatch={msg('bulletins.noMatch')}
          count={drafts ? msg('bulletins.drafts.count') : msg('bulletins.count')}
        />
        <ol className="results">
          {results.items.map((item) => (
            <li key={item.id} className={`result${item.unread && !item.draft ? ' bulletin-unread' : ''}`}>
              <div className="result-head">
                <h3 className="result-title">
                  {item.unread && !item.draft ? <span className="unread-mark">{t('bulletins.unread')}</span> : null}
                  <Link to={bulletinPath(item.id)} translate="no">
                    {item.title}
                  </Link>
                </h3>
                <TlpBadge tlp={item.sharing.tlp} />
              </div>
              <p className="meta">
                {item.draft ? <strong className="draft-mark">{t('bulletins.draft')}</strong> : null}
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
