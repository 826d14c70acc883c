import { useId, useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { DateText, ErrorAlert, Field, ListStatus, Loading, MoreButton } from '../../components/ui.js';
import { usePaged, useResource, useSubmit } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { ACKNOWLEDGEMENT_LABEL, bulletinPath, type Acknowledgement, type AcknowledgementKind, type Comment } from './api.js';

/**
 * Who acknowledged the bulletin (the owner sees every member's; another member only its own, as the
 * server answers), and the buttons to acknowledge when the bulletin's abilities allow it.
 */
export function Acknowledgements({ bulletin, version, respond, owner, names }: { bulletin: string; version: number; respond: boolean; owner: string; names: Map<string, string> }) {
  const t = useT();
  const list = useResource<{ data: Acknowledgement[] }>(`${bulletinPath(bulletin)}/acknowledgements`);
  const { busy, error, run } = useSubmit();
  const acknowledge = (kind: AcknowledgementKind): void => {
    void run(async () => {
      list.set(await api.post<{ data: Acknowledgement[] }>(`${bulletinPath(bulletin)}/acknowledgements`, { kind }));
    });
  };
  const items = list.data?.data ?? [];
  return (
    <section aria-labelledby="bulletin-acknowledgements" className="bulletin-section">
      <h2 id="bulletin-acknowledgements">{t('bulletins.acks')}</h2>
      <p className="hint">{t('bulletins.acks.hint', { owner: names.get(owner) ?? owner })}</p>
      <ErrorAlert error={list.error ?? error} />
      {respond ? (
        <div className="form-actions">
          {(['read', 'acted-on'] as const).map((kind) => (
            <button key={kind} type="button" className="button-secondary" disabled={busy} onClick={() => acknowledge(kind)}>
              {t(ACKNOWLEDGEMENT_LABEL[kind])}
            </button>
          ))}
        </div>
      ) : null}
      {!list.data ? (
        list.error ? null : <Loading />
      ) : items.length === 0 ? (
        <p className="muted">{t('bulletins.acks.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('bulletins.acks.kind')}</th>
              <th scope="col">{t('bulletins.acks.who')}</th>
              <th scope="col">{t('bulletins.version')}</th>
              <th scope="col">{t('bulletins.acks.when')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={`${item.member} ${item.userName} ${item.kind} ${item.version}`}>
                <td>{t(ACKNOWLEDGEMENT_LABEL[item.kind])}</td>
                <td translate="no">
                  {item.userName} ({names.get(item.member) ?? item.member})
                </td>
                <td>{item.version === version ? t.number(item.version) : t('bulletins.acks.earlier', { version: item.version })}</td>
                <td>
                  <DateText value={item.at} withTime />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The comment thread, oldest first, and the form to add one when the abilities allow it. Comments are shown as the text written. */
export function Comments({ bulletin, respond, names }: { bulletin: string; respond: boolean; names: Map<string, string> }) {
  const t = useT();
  const id = useId();
  const comments = usePaged<Comment>(`${bulletinPath(bulletin)}/comments?limit=50`);
  const [body, setBody] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!body.trim()) {
      setError(undefined);
      return;
    }
    void run(async () => {
      const saved = await api.post<{ data: Comment }>(`${bulletinPath(bulletin)}/comments`, { body });
      comments.update((items) => (comments.next ? items : [...items, saved.data]));
      setBody('');
    });
  };
  return (
    <section aria-labelledby="bulletin-comments" className="bulletin-section">
      <h2 id="bulletin-comments">{t('bulletins.comments')}</h2>
      <ListStatus paged={comments} filtered={false} empty={msg('bulletins.comments.none')} noMatch={msg('bulletins.comments.none')} count={msg('bulletins.comments.count')} />
      {comments.items.length > 0 ? (
        <ol className="comments">
          {comments.items.map((comment) => (
            <li key={comment.id}>
              <p className="meta">
                <strong translate="no">{comment.authorName}</strong> <span translate="no">({names.get(comment.member) ?? comment.member})</span>{' '}
                <DateText value={comment.createdAt} withTime />
              </p>
              <div className="body-text" translate="no">
                {comment.body}
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      <MoreButton paged={comments} />
      {respond ? (
        <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`} className="comment-form">
          <h3 id={`${id}-title`}>{t('bulletins.comments.add')}</h3>
          <ErrorAlert error={error} shown={['/body']} />
          <Field label={t('bulletins.comments.body')} error={error?.fieldError('/body')}>
            {(props) => <textarea {...props} rows={3} maxLength={10_000} required value={body} onChange={(event) => setBody(event.target.value)} />}
          </Field>
          <button type="submit" className="button-primary" disabled={busy || !body.trim()}>
            {t('bulletins.comments.send')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
