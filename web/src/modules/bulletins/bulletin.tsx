import { useState } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, PageHeader, RecordPending, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { countryName } from '../../../../src/platform/geo/countries.js';
import { useMembers } from '../directory/hooks.js';
import { bulletinPath, DRAFTS_PATH, TYPE_LABEL, type BulletinOne } from './api.js';
import { AttachmentList, AttachmentUpload } from './attachments.js';
import { entityText, KIND_LABEL } from './entity-fields.js';
import { Acknowledgements, Comments } from './responses.js';
import { Versions } from './versions.js';
import './bulletins.css';

/** One bulletin: its body as the server rendered it, files, history, acknowledgements and comments. Opening it marks it read. */
export function BulletinPage({ id }: { id: string }) {
  const bulletin = useResource<BulletinOne>(bulletinPath(id));
  const members = useMembers();
  const t = useT();
  const { busy, error, run } = useSubmit();
  const [confirming, setConfirming] = useState(false);
  useTitle(bulletin.data?.data.title ?? t('bulletins.bulletin'));
  if (!bulletin.data) {
    return (
      <>
        <RecordPending error={bulletin.error} title={t('bulletins.bulletin')} notFound={t('bulletins.notFound')} />
        <p>
          <Link to="/bulletins">{t('bulletins.back')}</Link>
        </p>
      </>
    );
  }
  const { data, abilities } = bulletin.data;
  const names = members.names;
  const publish = (): void => {
    void run(async () => {
      await api.post<BulletinOne>(`${bulletinPath(data.id)}/publish`);
      setConfirming(false);
      bulletin.reload();
    });
  };
  const remove = (): void => {
    if (!window.confirm(t('bulletins.confirmDelete', { title: data.title }))) return;
    void run(async () => {
      await api.delete(bulletinPath(data.id));
      navigate(DRAFTS_PATH);
    });
  };
  const none = <span className="muted">—</span>;

  return (
    <>
      <PageHeader title={<span translate="no">{data.title}</span>}>
        {abilities.correct && data.draft ? (
          <>
            <button type="button" className="button-primary" disabled={busy || confirming} onClick={() => setConfirming(true)}>
              {t('bulletins.publish')}
            </button>
            <Link className="button" to={`${bulletinPath(data.id)}/edit`}>
              {t('bulletins.editDraft')}
            </Link>
          </>
        ) : null}
        {abilities.correct && !data.draft ? (
          <Link className="button" to={`${bulletinPath(data.id)}/correct`}>
            {t('bulletins.correct')}
          </Link>
        ) : null}
        {abilities.passOn ? (
          <a className="button" href={`/api/v1${bulletinPath(data.id)}/export.stix`} download>
            {t('bulletins.exportStix')}
          </a>
        ) : null}
        {abilities.correct && data.draft ? (
          <button type="button" className="button-danger" disabled={busy} onClick={remove}>
            {t('bulletins.deleteDraft')}
          </button>
        ) : null}
      </PageHeader>
      {data.draft ? (
        <p className="alert alert-warning" role="status">
          <strong className="draft-mark">{t('bulletins.draft')}</strong> {t('bulletins.draftNotice')}
        </p>
      ) : null}
      <ErrorAlert error={error} />
      {confirming && data.intendedSharing ? (
        <section className="panel publish-confirm" aria-labelledby="publish-confirm">
          <h2 id="publish-confirm">{t('bulletins.publishConfirm.title')}</h2>
          <p>{t('bulletins.publishConfirm.text')}</p>
          <SharingView sharing={data.intendedSharing} owner={data.owner} names={names} />
          <div className="form-actions">
            <button type="button" className="button-primary" disabled={busy} onClick={publish}>
              {t('bulletins.publishConfirm.publish')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </section>
      ) : null}
      <p className="document-tlp">
        <TlpBadge tlp={data.sharing.tlp} /> <span>{t(TYPE_LABEL[data.type])}</span>
        {data.expired ? <strong> · {t('bulletins.expired')}</strong> : null}
        {!abilities.passOn ? <span> · {t('bulletins.noPassOn')}</span> : null}
      </p>
      <p>
        <Link to="/bulletins">{t('bulletins.back')}</Link>
      </p>

      <div className="document-layout">
        <div className="document-body">
          <article aria-labelledby="bulletin-text">
            <h2 id="bulletin-text" className="visually-hidden">
              {t('bulletins.field.body')}
            </h2>
            {/*
              The one place the app inserts HTML from the API: `bodyHtml`, which the server rendered from
              Markdown with raw HTML off and sanitised to a few tags without attributes (src/modules/bulletins/markdown.ts);
              the page's CSP allows no inline script besides.
            */}
            <div className="bulletin-body" translate="no" dangerouslySetInnerHTML={{ __html: data.bodyHtml }} />
          </article>
          <section aria-labelledby="bulletin-attachments" className="bulletin-section">
            <h2 id="bulletin-attachments">{t('bulletins.attachments')}</h2>
            <AttachmentList bulletin={data.id} attachments={data.attachments} />
            {abilities.correct ? <AttachmentUpload bulletin={data.id} onStored={bulletin.reload} /> : null}
          </section>
          {/* A draft is its member's alone: nothing to acknowledge, and a comment would stay for its audience to read once published. */}
          {data.draft ? null : (
            <>
              <Acknowledgements bulletin={data.id} version={data.version} respond={abilities.respond} owner={data.owner} names={names} />
              <Comments bulletin={data.id} respond={abilities.respond} names={names} />
              <Versions bulletin={data.id} version={data.version} />
            </>
          )}
        </div>

        <aside className="document-meta" aria-label={t('bulletins.about')}>
          <section aria-labelledby="bulletin-details" className="panel">
            <h2 id="bulletin-details">{t('bulletins.details')}</h2>
            <dl className="details">
              <dt>{t('bulletins.owner')}</dt>
              <dd>
                <Link to={`/directory/members/${encodeURIComponent(data.owner)}`} translate="no">
                  {names.get(data.owner) ?? data.owner}
                </Link>
              </dd>
              <dt>{t('bulletins.field.countries')}</dt>
              <dd translate="no">{data.countries.length > 0 ? t.list(data.countries.map((code) => countryName(code))) : none}</dd>
              <dt>{t('bulletins.field.places')}</dt>
              <dd translate="no">{data.places.length > 0 ? t.list(data.places) : none}</dd>
              <dt>{t('bulletins.field.tags')}</dt>
              <dd>
                {data.tags.length > 0 ? (
                  <ul className="tags" translate="no">
                    {data.tags.map((tag) => (
                      <li key={tag}>
                        <Link to={`/bulletins?tag=${encodeURIComponent(tag)}`}>{tag}</Link>
                      </li>
                    ))}
                  </ul>
                ) : (
                  none
                )}
              </dd>
              <dt>{t('bulletins.entities.title')}</dt>
              <dd>
                {data.entities.length > 0 ? (
                  <ul className="bulletin-entity-list">
                    {data.entities.map((entity, index) => (
                      <li key={index}>
                        {t(KIND_LABEL[entity.type])}: <span translate="no">{entityText(entity)}</span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  none
                )}
              </dd>
              <dt>{t('bulletins.field.expiresAt')}</dt>
              <dd>
                <DateText value={data.expiresAt} withTime />
              </dd>
              <dt>{t('bulletins.version')}</dt>
              <dd>{t.number(data.version)}</dd>
              <dt>{t('bulletins.issued')}</dt>
              <dd>
                <DateText value={data.createdAt} withTime />
              </dd>
              <dt>{t('bulletins.changed')}</dt>
              <dd>
                <DateText value={data.updatedAt} withTime />
              </dd>
            </dl>
          </section>
          <section aria-labelledby="bulletin-sharing" className="panel">
            <h2 id="bulletin-sharing">{t('sharing.fields.legend')}</h2>
            <SharingView sharing={data.intendedSharing ?? data.sharing} owner={data.owner} names={names} />
          </section>
        </aside>
      </div>
    </>
  );
}
