import { useId, useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { MultiCombobox } from '../../components/combobox.js';
import { DEFAULT_SHARING, draftOf, draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Loading, PageHeader, RecordPending } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import { allCountries } from '../../../../src/platform/geo/countries.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { BULLETIN_TYPES, bulletinPath, TYPE_LABEL, type BulletinCorrectionInput, type BulletinFull, type BulletinInput, type BulletinOne, type BulletinType, type DraftUpdate } from './api.js';
import { ATTACHMENT_ACCEPT, UploadProgress, useUploads } from './attachments.js';
import { draftsOf, EntityFields, toEntities, type EntityDraft } from './entity-fields.js';
import './bulletins.css';

const COUNTRY_OPTIONS = allCountries().map((country) => ({ value: country.code, label: country.name, data: true }));

/** A comma-separated list as the API's array: trimmed, without blanks or repeats. */
function listOf(text: string, upper = false): string[] {
  return [...new Set(text.split(',').map((item) => (upper ? item.trim().toUpperCase() : item.trim())).filter(Boolean))];
}

/** An ISO time as the value of a datetime-local input (local time, to the minute), and back. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Publishing answers its sharing's errors at `/intendedSharing/…`: shown at the form's sharing fields, which say `/sharing/…`. */
function atSharingFields(reason: unknown): unknown {
  if (!(reason instanceof ApiError)) return reason;
  const errors = reason.errors.map((error) => (error.pointer.startsWith('/intendedSharing') ? { ...error, pointer: `/sharing${error.pointer.slice('/intendedSharing'.length)}` } : error));
  return new ApiError(reason.status, reason.title, reason.detail, errors, reason.requestId, reason.extra);
}

export function BulletinNewPage() {
  const t = useT();
  useTitle(t('bulletins.new'));
  const { session } = useSession();
  if (!can(session, 'bulletins.write')) {
    return (
      <>
        <PageHeader title={t('bulletins.new')} />
        <p>{t('bulletins.form.notAllowed')}</p>
      </>
    );
  }
  return <FormLoader bulletin={null} />;
}

export function BulletinCorrectPage({ id }: { id: string }) {
  const bulletin = useResource<BulletinOne>(bulletinPath(id));
  const t = useT();
  useTitle(t('bulletins.form.correct'));
  if (!bulletin.data) return <RecordPending error={bulletin.error} title={t('bulletins.form.correct')} notFound={t('bulletins.notFound')} />;
  if (!bulletin.data.abilities.correct) {
    return (
      <>
        <PageHeader title={t('bulletins.form.correct')} />
        <p>{t('bulletins.form.ownerOnly')}</p>
      </>
    );
  }
  if (bulletin.data.data.draft) {
    // A draft has no versions to correct: it is edited as a whole.
    return (
      <>
        <PageHeader title={t('bulletins.form.correct')} />
        <p>
          {t('bulletins.form.draftNoCorrection')} <Link to={`${bulletinPath(id)}/edit`}>{t('bulletins.editDraft')}</Link>
        </p>
      </>
    );
  }
  return <FormLoader bulletin={bulletin.data.data} />;
}

/** A draft of the user's member, edited as a whole (PUT …/draft), saved again or published from here. */
export function BulletinDraftPage({ id }: { id: string }) {
  const bulletin = useResource<BulletinOne>(bulletinPath(id));
  const t = useT();
  useTitle(t('bulletins.form.editDraft'));
  if (!bulletin.data) return <RecordPending error={bulletin.error} title={t('bulletins.form.editDraft')} notFound={t('bulletins.notFound')} />;
  const { data, abilities } = bulletin.data;
  if (!abilities.correct || !data.draft) {
    return (
      <>
        <PageHeader title={t('bulletins.form.editDraft')} />
        <p>
          {data.draft ? t('bulletins.form.ownerOnly') : t('bulletins.form.notADraft')} <Link to={bulletinPath(id)}>{t('bulletins.backToBulletin')}</Link>
        </p>
      </>
    );
  }
  return <FormLoader bulletin={data} />;
}

function FormLoader({ bulletin }: { bulletin: BulletinFull | null }) {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const error = members.error ?? groups.error;
  if (error) return <ErrorAlert error={error} />;
  if (!members.data || !groups.data) return <Loading />;
  return <BulletinForm bulletin={bulletin} members={members.data.data} groups={groups.data.data} />;
}

function BulletinForm({ bulletin, members, groups }: { bulletin: BulletinFull | null; members: MemberSummary[]; groups: Group[] }) {
  const t = useT();
  const { session } = useSession();
  const previewId = useId();
  const [type, setType] = useState<BulletinType>(bulletin?.type ?? 'alert');
  const [title, setTitle] = useState(bulletin?.title ?? '');
  const [body, setBody] = useState(bulletin?.body ?? '');
  const [countries, setCountries] = useState<string[]>(bulletin?.countries ?? []);
  const [places, setPlaces] = useState(bulletin?.places.join(', ') ?? '');
  const [tags, setTags] = useState(bulletin?.tags.join(', ') ?? '');
  const [expires, setExpires] = useState(localInput(bulletin?.expiresAt ?? null));
  const [entities, setEntities] = useState<EntityDraft[]>(() => draftsOf(bulletin?.entities ?? []));
  const [note, setNote] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // A draft's access fields are owner-only: what it will have is its intended sharing.
  const [sharing, setSharing] = useState<SharingDraft>(bulletin ? draftOf(bulletin.intendedSharing ?? bulletin.sharing) : DEFAULT_SHARING);
  const editingDraft = bulletin?.draft === true;
  const correcting = bulletin !== null && !editingDraft;
  const { busy, error, setError, run } = useSubmit();
  const uploads = useUploads();
  const [created, setCreated] = useState<string | null>(null);
  const back = bulletin ? bulletinPath(bulletin.id) : '/bulletins';

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    save(editingDraft);
  };

  /**
   * Issues the bulletin, or keeps it as a draft (a draft is seen by the member alone and tells no one);
   * an edited draft is saved whole, and published after when `draft` is false.
   */
  const save = (draft: boolean): void => {
    const evaluationProblem = draftProblemId(sharing);
    const problem = !title.trim()
      ? { pointer: '/title', detail: t('bulletins.form.titleMissing') }
      : correcting && !note.trim()
        ? { pointer: '/note', detail: t('bulletins.form.noteMissing') }
        : evaluationProblem
          ? { pointer: '/sharing/evaluation', detail: t(evaluationProblem) }
          : null;
    if (problem) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [problem]));
      return;
    }
    const fields: BulletinInput = {
      type,
      title: title.trim(),
      body,
      countries,
      places: listOf(places, true),
      tags: listOf(tags),
      expiresAt: expires ? new Date(expires).toISOString() : null,
      entities: toEntities(entities),
      sharing: toSharing(sharing),
    };
    void run(async () => {
      if (bulletin && editingDraft) {
        const update: DraftUpdate = fields;
        await api.put<BulletinOne>(`${bulletinPath(bulletin.id)}/draft`, update);
        if (!draft) {
          try {
            await api.post<BulletinOne>(`${bulletinPath(bulletin.id)}/publish`);
          } catch (reason) {
            throw atSharingFields(reason);
          }
        }
        navigate(bulletinPath(bulletin.id));
        return;
      }
      if (bulletin) {
        const correction: BulletinCorrectionInput = { ...fields, note: note.trim() };
        await api.patch<BulletinOne>(bulletinPath(bulletin.id), correction);
        navigate(bulletinPath(bulletin.id));
        return;
      }
      const saved = created ?? (await api.post<BulletinOne>('/bulletins', draft ? { ...fields, draft } : fields)).data.id;
      setCreated(saved);
      const stored = await uploads.upload(saved, files);
      if (stored.length === files.length) navigate(bulletinPath(saved));
    });
  };

  const memberItems = members.filter((member) => member.code !== session.user.member).map((member) => ({ code: member.code, name: member.name }));
  // An ended group is read-only: offered only where the bulletin is shared with it already.
  const groupItems = groups.filter((group) => !group.ended || (correcting && bulletin.sharing.audience.groups?.includes(group.code))).map((group) => ({ code: group.code, name: group.name }));
  const shown = ['/type', '/title', '/body', '/countries', '/places', '/tags', '/expiresAt', '/note', '/entities', ...sharingPointers(sharing)];
  const quoted = { title: <span translate="no">{bulletin?.title}</span> };
  const heading = editingDraft ? t.rich('bulletins.form.editDraftQuoted', quoted) : bulletin ? t.rich('bulletins.form.correctQuoted', quoted) : t('bulletins.new');

  return (
    <>
      <PageHeader title={heading} />
      <p>
        <Link to={back}>{bulletin ? t('bulletins.backToBulletin') : t('bulletins.back')}</Link>
      </p>
      {created ? (
        // Issued, but a file was refused: the bulletin exists; the user may go to it or choose other files.
        <p className="alert alert-warning" role="status">
          {t('bulletins.form.issuedFileRefused')} <Link to={bulletinPath(created)}>{t('bulletins.form.openIssued')}</Link>
        </p>
      ) : null}
      <form onSubmit={submit} noValidate className="document-form">
        <ErrorAlert error={error} shown={shown} />
        <ErrorAlert error={uploads.error} />
        {editingDraft ? (
          <p className="alert alert-warning" role="status">
            {t('bulletins.draftNotice')}
          </p>
        ) : null}
        {correcting ? (
          <Field label={t('bulletins.form.note')} hint={t('bulletins.form.noteHint')} error={error?.fieldError('/note')}>
            {(props) => <textarea {...props} translate="no" rows={2} maxLength={2000} required value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
        ) : null}
        <div className="form-grid">
          <Field label={t('bulletins.field.type')} error={error?.fieldError('/type')}>
            {(props) => (
              <select {...props} value={type} onChange={(event) => setType(event.target.value as BulletinType)} disabled={created !== null}>
                {BULLETIN_TYPES.map((value) => (
                  <option key={value} value={value}>
                    {t(TYPE_LABEL[value])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('bulletins.field.expiresAt')} hint={t('bulletins.form.expiresHint')} error={error?.fieldError('/expiresAt')}>
            {(props) => <input {...props} type="datetime-local" value={expires} onChange={(event) => setExpires(event.target.value)} />}
          </Field>
        </div>
        <Field label={t('bulletins.field.title')} error={error?.fieldError('/title')}>
          {(props) => <input {...props} translate="no" required maxLength={300} value={title} onChange={(event) => setTitle(event.target.value)} />}
        </Field>
        <Field label={t('bulletins.field.body')} hint={t('bulletins.form.bodyHint')} error={error?.fieldError('/body')}>
          {(props) => <textarea {...props} translate="no" rows={10} maxLength={100_000} value={body} onChange={(event) => setBody(event.target.value)} aria-controls={previewId} />}
        </Field>
        <section aria-labelledby={`${previewId}-title`}>
          <h2 id={`${previewId}-title`}>{t('bulletins.form.preview')}</h2>
          <p className="hint">{t('bulletins.form.previewHint')}</p>
          {/* The Markdown as text: never rendered as HTML on the client. The server's sanitised rendering shows once issued. */}
          <pre id={previewId} className="markdown-source" translate="no" aria-live="off">
            {body || ' '}
          </pre>
        </section>
        <MultiCombobox label={t('bulletins.field.countries')} options={COUNTRY_OPTIONS} value={countries} onChange={setCountries} error={error?.fieldError('/countries')} />
        <div className="form-grid">
          <Field label={t('bulletins.field.places')} hint={t('bulletins.form.placesHint')} error={error?.fieldError('/places')}>
            {(props) => <input {...props} value={places} spellCheck={false} onChange={(event) => setPlaces(event.target.value)} />}
          </Field>
          <Field label={t('bulletins.field.tags')} hint={t('bulletins.form.tagsHint')} error={error?.fieldError('/tags')}>
            {(props) => <input {...props} value={tags} onChange={(event) => setTags(event.target.value)} />}
          </Field>
        </div>
        <EntityFields value={entities} onChange={setEntities} error={error} />
        {bulletin ? null : (
          <Field label={t('bulletins.attach.choose')} hint={t('bulletins.form.filesHint')}>
            {(props) => <input {...props} type="file" multiple accept={ATTACHMENT_ACCEPT} onChange={(event) => setFiles([...(event.target.files ?? [])])} />}
          </Field>
        )}
        <UploadProgress progress={uploads.progress} />
        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groupItems} error={error} />
        <div className="form-actions">
          {editingDraft ? (
            <>
              <button type="submit" className="button-primary" disabled={busy}>
                {t('bulletins.form.saveDraftChanges')}
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => save(false)}>
                {t('bulletins.form.saveAndPublish')}
              </button>
            </>
          ) : (
            <button type="submit" className="button-primary" disabled={busy}>
              {bulletin ? t('bulletins.form.saveCorrection') : created ? t('bulletins.form.retryFiles') : t('bulletins.form.issue')}
            </button>
          )}
          {bulletin || created ? null : (
            <button type="button" className="button" disabled={busy} onClick={() => save(true)}>
              {t('bulletins.form.saveDraft')}
            </button>
          )}
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}
