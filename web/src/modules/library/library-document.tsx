import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { CATEGORY_LABEL, fileUrl, type DocumentOne } from './api.js';
import { useMembers } from '../directory/hooks.js';
import { useT } from '../../i18n/index.js';

export function DocumentPage({ id }: { id: string }) {
  const document = useResource<DocumentOne>(`/library/documents/${encodeURIComponent(id)}`);
  const members = useMembers();
  const removal = useSubmit();
  const t = useT();
  useTitle(document.data?.data.title ?? t('library.document'));
  const names = members.names;

  if (!document.data) {
    return (
      <>
        <PageHeader title={document.error ? t('library.document.notFound') : t('library.document')} />
        <p>
          <Link to="/library">{t('library.back')}</Link>
        </p>
        {document.error ? <ErrorAlert error={document.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = document.data;
  const remove = (): void => {
    if (!window.confirm(t('library.document.confirmDelete', { title: data.title }))) return;
    void removal.run(async () => {
      await api.delete(`/library/documents/${encodeURIComponent(data.id)}`);
      navigate('/library');
    });
  };

  return (
    <>
      <PageHeader title={<span translate="no">{data.title}</span>}>
        {abilities.update ? (
          <Link className="button" to={`/library/${encodeURIComponent(data.id)}/edit`}>
            {t('common.edit')}
          </Link>
        ) : null}
        {abilities.delete ? (
          <button type="button" className="button-danger" onClick={remove} disabled={removal.busy}>
            {t('common.delete')}
          </button>
        ) : null}
      </PageHeader>
      <p className="document-tlp">
        <TlpBadge tlp={data.sharing.tlp} />
        {!abilities.passOn ? <span> {t('library.document.noPassOn')}</span> : null}
      </p>
      <p>
        <Link to="/library">{t('library.back')}</Link>
      </p>
      <ErrorAlert error={removal.error} />

      <div className="document-layout">
        <article className="document-body" aria-labelledby="document-text">
          {data.summary ? (
            <section aria-labelledby="document-summary">
              <h2 id="document-summary">{t('library.document.summary')}</h2>
              <p className="summary" translate="no">
                {data.summary}
              </p>
            </section>
          ) : null}
          <h2 id="document-text">{t('library.document.text')}</h2>
          {data.hasFile ? (
            <p>
              <a className="button" href={fileUrl(data.id)} download={data.fileName ?? true}>
                {data.fileName ? t.rich('library.document.download', { name: <span translate="no">{data.fileName}</span> }) : t('library.document.downloadFile')}
              </a>
            </p>
          ) : null}
          {data.body ? (
            <div className="body-text" translate="no">
              {data.body}
            </div>
          ) : data.hasFile ? (
            <Notice>{t('library.document.noTextInFile')}</Notice>
          ) : (
            <Notice>{t('library.document.noText')}</Notice>
          )}
        </article>

        <aside className="document-meta" aria-label={t('library.document.about')}>
          <section aria-labelledby="document-details" className="panel">
            <h2 id="document-details">{t('library.document.details')}</h2>
            <dl className="details">
              <dt>{t('library.category')}</dt>
              <dd>{t(CATEGORY_LABEL[data.category])}</dd>
              <dt>{t('library.document.date')}</dt>
              <dd>
                <DateText value={data.date} />
              </dd>
              <dt>{t('library.owner')}</dt>
              <dd>
                <Link to={`/directory/members/${encodeURIComponent(data.owner)}`} translate="no">
                  {names.get(data.owner) ?? data.owner}
                </Link>
              </dd>
              <dt>{t('library.document.languages')}</dt>
              <dd translate="no">{data.languages.length > 0 ? t.list(data.languages) : <span className="muted">—</span>}</dd>
              <dt>{t('library.tags')}</dt>
              <dd>
                {data.tags.length > 0 ? (
                  <ul className="tags" translate="no">
                    {data.tags.map((tag) => (
                      <li key={tag}>
                        <Link to={`/library?tag=${encodeURIComponent(tag)}`}>{tag}</Link>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">—</span>
                )}
              </dd>
              <dt>{t('library.document.added')}</dt>
              <dd>
                <DateText value={data.createdAt} withTime />
              </dd>
              <dt>{t('library.document.changed')}</dt>
              <dd>
                <DateText value={data.updatedAt} withTime />
              </dd>
            </dl>
          </section>
          <section aria-labelledby="document-sharing" className="panel">
            <h2 id="document-sharing">{t('sharing.fields.legend')}</h2>
            <SharingView sharing={data.sharing} owner={data.owner} names={names} />
          </section>
        </aside>
      </div>
    </>
  );
}
