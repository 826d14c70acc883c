import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, humanise, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { fileUrl, type DocumentOne } from './api.js';
import { useMembers } from '../directory/hooks.js';

export function DocumentPage({ id }: { id: string }) {
  const document = useResource<DocumentOne>(`/library/documents/${encodeURIComponent(id)}`);
  const members = useMembers();
  const removal = useSubmit();
  useTitle(document.data?.data.title ?? 'Document');
  const names = members.names;

  if (!document.data) {
    return (
      <>
        <PageHeader title={document.error ? 'Document not found' : 'Document'} />
        <p>
          <Link to="/library">← Library</Link>
        </p>
        {document.error ? <ErrorAlert error={document.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = document.data;
  const remove = (): void => {
    if (!window.confirm(`Delete “${data.title}”? This cannot be undone.`)) return;
    void removal.run(async () => {
      await api.delete(`/library/documents/${encodeURIComponent(data.id)}`);
      navigate('/library');
    });
  };

  return (
    <>
      <PageHeader title={data.title}>
        {abilities.update ? (
          <Link className="button" to={`/library/${encodeURIComponent(data.id)}/edit`}>
            Edit
          </Link>
        ) : null}
        {abilities.delete ? (
          <button type="button" className="button-danger" onClick={remove} disabled={removal.busy}>
            Delete
          </button>
        ) : null}
      </PageHeader>
      <p className="document-tlp">
        <TlpBadge tlp={data.sharing.tlp} />
        {!abilities.passOn ? <span> Do not export, forward or re-share this document.</span> : null}
      </p>
      <p>
        <Link to="/library">← Library</Link>
      </p>
      <ErrorAlert error={removal.error} />

      <div className="document-layout">
        <article className="document-body" aria-labelledby="document-text">
          {data.summary ? (
            <section aria-labelledby="document-summary">
              <h2 id="document-summary">Summary</h2>
              <p className="summary">{data.summary}</p>
            </section>
          ) : null}
          <h2 id="document-text">Text</h2>
          {data.hasFile ? (
            <p>
              <a className="button" href={fileUrl(data.id)} download={data.fileName ?? true}>
                Download {data.fileName ?? 'the file'}
              </a>
            </p>
          ) : null}
          {data.body ? (
            <div className="body-text">{data.body}</div>
          ) : data.hasFile ? (
            <Notice>No text could be read from its file; download the file to read it.</Notice>
          ) : (
            <Notice>This document has no text.</Notice>
          )}
        </article>

        <aside className="document-meta" aria-label="About this document">
          <section aria-labelledby="document-details" className="panel">
            <h2 id="document-details">Details</h2>
            <dl className="details">
              <dt>Category</dt>
              <dd>{humanise(data.category)}</dd>
              <dt>Date</dt>
              <dd>
                <DateText value={data.date} />
              </dd>
              <dt>Owner</dt>
              <dd>
                <Link to={`/directory/members/${encodeURIComponent(data.owner)}`}>{names.get(data.owner) ?? data.owner}</Link>
              </dd>
              <dt>Languages</dt>
              <dd>{data.languages.length > 0 ? data.languages.join(', ') : <span className="muted">—</span>}</dd>
              <dt>Tags</dt>
              <dd>
                {data.tags.length > 0 ? (
                  <ul className="tags">
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
              <dt>Added</dt>
              <dd>
                <DateText value={data.createdAt} withTime />
              </dd>
              <dt>Changed</dt>
              <dd>
                <DateText value={data.updatedAt} withTime />
              </dd>
            </dl>
          </section>
          <section aria-labelledby="document-sharing" className="panel">
            <h2 id="document-sharing">Sharing</h2>
            <SharingView sharing={data.sharing} owner={data.owner} names={names} />
          </section>
        </aside>
      </div>
    </>
  );
}
