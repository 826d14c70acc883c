import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Notice, PageHeader, RecordPending, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import { countryName } from '../../../../src/platform/geo/countries.js';
import { useMembers } from '../directory/hooks.js';
import { leadPath, recordPath, SUBJECT_LABEL, type LeadLink, type LeadOne } from './api.js';
import { EntityText, KeyText } from './parts.js';
import { LinkageTabs } from './linkage-tabs.js';
import './linkage.css';

/** A lead: its narrative and handling, the entities it names with the keys they are matched on, and the records the user may see that hold them too. */
export function LeadPage({ id }: { id: string }) {
  const lead = useResource<LeadOne>(leadPath(id));
  const members = useMembers();
  const { session } = useSession();
  const removal = useSubmit();
  const t = useT();
  useTitle(lead.data?.data.title ?? t('linkage.lead.title'));

  if (!lead.data) {
    return <RecordPending error={lead.error} title={t('linkage.lead.title')} notFound={t('linkage.lead.notFound')} tabs={<LinkageTabs />} />;
  }
  const { data, abilities } = lead.data;
  const sharing = data.sharing;
  const remove = (): void => {
    if (!window.confirm(t('linkage.lead.confirmDelete', { title: data.title }))) return;
    void removal.run(async () => {
      await api.delete(leadPath(data.id));
      navigate('/linkage');
    });
  };

  return (
    <>
      <PageHeader title={<span translate="no">{data.title}</span>}>
        {abilities.update ? (
          <Link className="button" to={`${leadPath(data.id)}/edit`}>
            {t('common.edit')}
          </Link>
        ) : null}
        {abilities.delete ? (
          <button type="button" className="button-danger" onClick={remove} disabled={removal.busy}>
            {t('common.delete')}
          </button>
        ) : null}
      </PageHeader>
      <LinkageTabs />
      <p className="document-tlp">
        <TlpBadge tlp={sharing.tlp} />
        {!abilities.passOn ? <span> {t('linkage.lead.noPassOn')}</span> : null}
      </p>
      <ErrorAlert error={removal.error} />

      <div className="document-layout">
        <article className="document-body lead-body">
          <section aria-labelledby="lead-narrative">
            <h2 id="lead-narrative">{t('linkage.lead.field.narrative')}</h2>
            {data.narrative ? (
              <div className="body-text" translate="no">
                {data.narrative}
              </div>
            ) : (
              <p className="muted">{t('linkage.lead.noNarrative')}</p>
            )}
          </section>
          <section aria-labelledby="lead-entities">
            <h2 id="lead-entities">{t('linkage.lead.field.entities')}</h2>
            {data.entities.length === 0 ? (
              <p className="muted">{t('linkage.entities.none')}</p>
            ) : (
              <ul className="entity-list">
                {data.entities.map((item, index) => (
                  <li key={index}>
                    <EntityText entity={item.entity} />
                    <span className="entity-keys">
                      {t('linkage.entities.matchedAs')}{' '}
                      {item.keys.map((key) => (
                        <KeyText key={`${key.kind} ${key.key}`} item={key} />
                      ))}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <LinksSection links={data.links} names={members.names} />
        </article>

        <aside className="document-meta" aria-label={t('linkage.lead.about')}>
          <section aria-labelledby="lead-details" className="panel">
            <h2 id="lead-details">{t('linkage.lead.details')}</h2>
            <dl className="details">
              <dt>{t('linkage.lead.field.subject')}</dt>
              <dd>{t(SUBJECT_LABEL[data.subject])}</dd>
              <dt>{t('linkage.lead.field.country')}</dt>
              <dd translate="no">{data.country ? countryName(data.country) : '—'}</dd>
              <dt>{t('linkage.owner')}</dt>
              <dd>
                <Link to={`/directory/members/${encodeURIComponent(data.owner)}`} translate="no">
                  {members.names.get(data.owner) ?? data.owner}
                </Link>
              </dd>
              {data.owner === session.user.member ? (
                <>
                  <dt>{t('linkage.lead.inHits')}</dt>
                  <dd>{data.namedInHits ? t('linkage.lead.named') : t('linkage.lead.unnamed')}</dd>
                </>
              ) : null}
              <dt>{t('linkage.lead.added')}</dt>
              <dd>
                <DateText value={data.createdAt} withTime />
              </dd>
              <dt>{t('linkage.lead.changed')}</dt>
              <dd>
                <DateText value={data.updatedAt} withTime />
              </dd>
              {data.keptUntil ? (
                <>
                  <dt>{t('linkage.lead.keptUntil')}</dt>
                  <dd>
                    <DateText value={data.keptUntil} />
                    <span className="muted"> {t('linkage.lead.keptUntilHint')}</span>
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
          <section aria-labelledby="lead-sharing" className="panel">
            <h2 id="lead-sharing">{t('sharing.fields.legend')}</h2>
            <SharingView sharing={sharing} owner={data.owner} names={members.names} />
          </section>
        </aside>
      </div>
    </>
  );
}

/** The records the user may see that hold one of this lead's values: each links to the other record. */
function LinksSection({ links, names }: { links: LeadLink[]; names: Map<string, string> }) {
  const t = useT();
  return (
    <section aria-labelledby="lead-links">
      <h2 id="lead-links">{t('linkage.lead.links')}</h2>
      <p className="hint">{t('linkage.lead.linksHint')}</p>
      {links.length === 0 ? (
        <Notice>{t('linkage.lead.noLinks')}</Notice>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('linkage.lead.linkRecord')}</th>
                <th scope="col">{t('linkage.owner')}</th>
                <th scope="col">{t('linkage.lead.linkValue')}</th>
                <th scope="col">{t('linkage.lead.linkScore')}</th>
              </tr>
            </thead>
            <tbody>
              {links.map((link) => {
                const path = recordPath(link.record);
                const title = link.record.label;
                return (
                  <tr key={`${link.record.id} ${link.kind} ${link.key}`}>
                    <td>{path ? <Link to={path} translate="no">{title}</Link> : <span translate="no">{title}</span>}</td>
                    <td translate="no">{names.get(link.record.owner) ?? link.record.owner}</td>
                    <td>
                      <KeyText item={link} />
                    </td>
                    <td>{link.score === 1 ? t('linkage.lead.exact') : t('linkage.lead.similarity', { score: link.score })}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
