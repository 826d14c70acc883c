import { useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { DEFAULT_SHARING, draftOf, draftProblemId, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Fieldset, Loading, PageHeader } from '../../components/ui.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';

import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { CATEGORY_LABEL, LIBRARY_CATEGORIES, type DocumentOne, type LibraryCategory, type LibraryDocumentFull, type LibraryDocumentMetadata } from './api.js';

const MAX_FILE_BYTES = 15 * 1024 * 1024;
const FILE_TYPES = ['.pdf', '.docx', '.txt'];

/** A comma-separated list as the API's array: trimmed, without blanks or repeats. */
function listOf(text: string): string[] {
  return [...new Set(text.split(',').map((item) => item.trim()).filter(Boolean))];
}

export function DocumentNewPage() {
  const t = useT();
  useTitle(t('library.add'));
  const { session } = useSession();
  if (!can(session, 'library.write')) {
    return (
      <>
        <PageHeader title={t('library.add')} />
        <p>{t('library.form.notAllowed')}</p>
      </>
    );
  }
  return <DocumentFormLoader document={null} />;
}

export function DocumentEditPage({ id }: { id: string }) {
  const document = useResource<DocumentOne>(`/library/documents/${encodeURIComponent(id)}`);
  const t = useT();
  useTitle(document.data ? t('library.form.editTitle', { title: document.data.data.title }) : t('library.form.edit'));
  if (!document.data) {
    return (
      <>
        <PageHeader title={t('library.form.edit')} />
        {document.error ? <ErrorAlert error={document.error} /> : <Loading />}
      </>
    );
  }
  if (!document.data.abilities.update) {
    return (
      <>
        <PageHeader title={t('library.form.edit')} />
        <p>{t('library.form.ownerOnly')}</p>
      </>
    );
  }
  return <DocumentFormLoader document={document.data.data} />;
}

function DocumentFormLoader({ document }: { document: LibraryDocumentFull | null }) {
  const members = useResource<{ data: MemberSummary[] }>('/members');
  const groups = useResource<{ data: Group[] }>('/groups');
  const error = members.error ?? groups.error;
  if (error) return <ErrorAlert error={error} />;
  if (!members.data || !groups.data) return <Loading />;
  return <DocumentForm document={document} members={members.data.data} groups={groups.data.data} />;
}

interface FormProps {
  document: LibraryDocumentFull | null;
  members: MemberSummary[];
  groups: Group[];
}

function DocumentForm({ document, members, groups }: FormProps) {
  const t = useT();
  const { session } = useSession();
  const [title, setTitle] = useState(document?.title ?? '');
  const [summary, setSummary] = useState(document?.summary ?? '');
  const [category, setCategory] = useState<LibraryCategory>(document?.category ?? 'policy-guide');
  const [tags, setTags] = useState(document?.tags.join(', ') ?? '');
  const [languages, setLanguages] = useState(document?.languages.join(', ') ?? 'en');
  const [date, setDate] = useState(document?.date ?? '');
  const [source, setSource] = useState<'text' | 'file'>('text');
  const [body, setBody] = useState(document?.body ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [sharing, setSharing] = useState<SharingDraft>(document ? draftOf(document.sharing) : DEFAULT_SHARING);
  const { busy, error, setError, run } = useSubmit();
  const hasFile = document?.hasFile ?? false;
  const back = document ? `/library/${encodeURIComponent(document.id)}` : '/library';

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const evaluationProblem = draftProblemId(sharing);
    const problem = !title.trim()
      ? { pointer: '/title', detail: t('library.form.titleMissing') }
      : evaluationProblem
        ? { pointer: '/sharing/evaluation', detail: t(evaluationProblem) }
        : source === 'file' && !document
          ? fileProblem(file, t)
          : !hasFile && !body.trim()
            ? { pointer: '/body', detail: t('library.form.bodyMissing') }
            : null;
    if (problem) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [problem]));
      return;
    }
    const metadata: LibraryDocumentMetadata = {
      title: title.trim(),
      summary: summary.trim(),
      category,
      tags: listOf(tags),
      languages: listOf(languages).map((language) => language.toLowerCase()),
      date: date || null,
      sharing: toSharing(sharing),
    };
    void run(async () => {
      let saved: DocumentOne;
      if (document) {
        saved = await api.patch<DocumentOne>(`/library/documents/${encodeURIComponent(document.id)}`, hasFile ? metadata : { ...metadata, body });
      } else if (source === 'file' && file) {
        const form = new FormData();
        form.append('metadata', JSON.stringify(metadata));
        form.append('file', file, file.name);
        saved = await api.post<DocumentOne>('/library/documents/upload', form);
      } else {
        saved = await api.post<DocumentOne>('/library/documents', { ...metadata, body });
      }
      navigate(`/library/${encodeURIComponent(saved.data.id)}`);
    });
  };

  const memberItems = members.filter((member) => member.code !== session.user.member);
  const shown = ['/title', '/summary', '/category', '/tags', '/languages', '/date', '/body', '/file', ...sharingPointers(sharing)];

  return (
    <>
      <PageHeader title={document ? t.rich('library.form.editQuoted', { title: <span translate="no">{document.title}</span> }) : t('library.add')} />
      <form onSubmit={submit} noValidate className="document-form">
        <ErrorAlert error={error} shown={shown} />
        <Field label={t('library.form.title')} error={error?.fieldError('/title')}>
          {(props) => <input {...props} required maxLength={300} value={title} onChange={(event) => setTitle(event.target.value)} />}
        </Field>
        <Field label={t('library.document.summary')} hint={t('library.form.summaryHint')} error={error?.fieldError('/summary')}>
          {(props) => <textarea {...props} rows={3} maxLength={5000} value={summary} onChange={(event) => setSummary(event.target.value)} />}
        </Field>
        <div className="form-grid">
          <Field label={t('library.category')} error={error?.fieldError('/category')}>
            {(props) => (
              <select {...props} value={category} onChange={(event) => setCategory(event.target.value as LibraryCategory)}>
                {LIBRARY_CATEGORIES.map((value) => (
                  <option key={value} value={value}>
                    {t(CATEGORY_LABEL[value])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('library.document.date')} hint={t('library.form.dateHint')} error={error?.fieldError('/date')}>
            {(props) => <input {...props} type="date" value={date} onChange={(event) => setDate(event.target.value)} />}
          </Field>
          <Field label={t('library.tags')} hint={t('library.form.tagsHint')} error={error?.fieldError('/tags')}>
            {(props) => <input {...props} value={tags} onChange={(event) => setTags(event.target.value)} />}
          </Field>
          <Field label={t('library.document.languages')} hint={t('library.form.languagesHint')} error={error?.fieldError('/languages')}>
            {(props) => <input {...props} value={languages} onChange={(event) => setLanguages(event.target.value)} />}
          </Field>
        </div>

        {document ? null : (
          <Fieldset legend={t('library.form.content')} className="radio-row">
            <label className="check">
              <input type="radio" name="content" checked={source === 'text'} onChange={() => setSource('text')} /> {t('library.form.typeText')}
            </label>
            <label className="check">
              <input type="radio" name="content" checked={source === 'file'} onChange={() => setSource('file')} /> {t('library.form.uploadFile')}
            </label>
          </Fieldset>
        )}
        {source === 'file' && !document ? (
          <Field label={t('library.form.file')} hint={t('library.form.fileHint')} error={error?.fieldError('/file')}>
            {(props) => <input {...props} type="file" accept={`${FILE_TYPES.join(',')},application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain`} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
        ) : hasFile ? (
          <p className="hint">{t.rich('library.form.textFromFile', { name: <span translate="no">{document?.fileName}</span> })}</p>
        ) : (
          <Field label={t('library.document.text')} hint={document ? undefined : t('library.form.textHint')} error={error?.fieldError('/body')}>
            {(props) => <textarea {...props} rows={14} value={body} onChange={(event) => setBody(event.target.value)} />}
          </Field>
        )}

        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groups} error={error} />

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : document ? t('common.saveChanges') : t('library.form.addToLibrary')}
          </button>
          <Link to={back}>{t('common.cancel')}</Link>
        </div>
      </form>
    </>
  );
}

function fileProblem(file: File | null, t: Translate): FieldError | null {
  const at = (id: MessageId): FieldError => ({ pointer: '/file', detail: t(id) });
  if (!file) return at(msg('library.form.fileMissing'));
  if (!FILE_TYPES.some((type) => file.name.toLowerCase().endsWith(type))) return at(msg('library.form.fileType'));
  if (file.size > MAX_FILE_BYTES) return at(msg('library.form.fileTooLarge'));
  return null;
}
