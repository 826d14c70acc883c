import { useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { DEFAULT_SHARING, draftOf, draftProblem, SharingFields, sharingPointers, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { ErrorAlert, Field, Fieldset, humanise, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group, MemberSummary } from '../directory/api.js';
import { LIBRARY_CATEGORIES, type DocumentOne, type LibraryCategory, type LibraryDocumentFull, type LibraryDocumentMetadata } from './api.js';

const MAX_FILE_BYTES = 15 * 1024 * 1024;
const FILE_TYPES = ['.pdf', '.docx', '.txt'];

/** A comma-separated list as the API's array: trimmed, without blanks or repeats. */
function listOf(text: string): string[] {
  return [...new Set(text.split(',').map((item) => item.trim()).filter(Boolean))];
}

export function DocumentNewPage() {
  useTitle('Add document');
  const { session } = useSession();
  if (!can(session, 'library.write')) {
    return (
      <>
        <PageHeader title="Add document" />
        <p>Your role does not allow adding documents to the library.</p>
      </>
    );
  }
  return <DocumentFormLoader document={null} />;
}

export function DocumentEditPage({ id }: { id: string }) {
  const document = useResource<DocumentOne>(`/library/documents/${encodeURIComponent(id)}`);
  useTitle(document.data ? `Edit ${document.data.data.title}` : 'Edit document');
  if (!document.data) {
    return (
      <>
        <PageHeader title="Edit document" />
        {document.error ? <ErrorAlert error={document.error} /> : <Loading />}
      </>
    );
  }
  if (!document.data.abilities.update) {
    return (
      <>
        <PageHeader title="Edit document" />
        <p>Only the member that owns this document can change it.</p>
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
    const evaluationProblem = draftProblem(sharing);
    const problem = !title.trim()
      ? { pointer: '/title', detail: 'Enter a title.' }
      : evaluationProblem
        ? { pointer: '/sharing/evaluation', detail: evaluationProblem }
        : source === 'file' && !document
          ? fileProblem(file)
          : !hasFile && !body.trim()
            ? { pointer: '/body', detail: 'Enter the text of the document, or upload its file instead.' }
            : null;
    if (problem) {
      setError(new ApiError(400, 'Invalid request', 'Check the field marked below.', [problem]));
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
      <PageHeader title={document ? `Edit “${document.title}”` : 'Add document'} />
      <form onSubmit={submit} noValidate className="document-form">
        <ErrorAlert error={error} shown={shown} />
        <Field label="Title" error={error?.fieldError('/title')}>
          {(props) => <input {...props} required maxLength={300} value={title} onChange={(event) => setTitle(event.target.value)} />}
        </Field>
        <Field label="Summary" hint="Optional. A few sentences shown in search results." error={error?.fieldError('/summary')}>
          {(props) => <textarea {...props} rows={3} maxLength={5000} value={summary} onChange={(event) => setSummary(event.target.value)} />}
        </Field>
        <div className="form-grid">
          <Field label="Category" error={error?.fieldError('/category')}>
            {(props) => (
              <select {...props} value={category} onChange={(event) => setCategory(event.target.value as LibraryCategory)}>
                {LIBRARY_CATEGORIES.map((value) => (
                  <option key={value} value={value}>
                    {humanise(value)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Date" hint="Of the document itself (optional)." error={error?.fieldError('/date')}>
            {(props) => <input {...props} type="date" value={date} onChange={(event) => setDate(event.target.value)} />}
          </Field>
          <Field label="Tags" hint="Separated by commas." error={error?.fieldError('/tags')}>
            {(props) => <input {...props} value={tags} onChange={(event) => setTags(event.target.value)} />}
          </Field>
          <Field label="Languages" hint="Language codes separated by commas, such as en, id." error={error?.fieldError('/languages')}>
            {(props) => <input {...props} value={languages} onChange={(event) => setLanguages(event.target.value)} />}
          </Field>
        </div>

        {document ? null : (
          <Fieldset legend="Content" className="radio-row">
            <label className="check">
              <input type="radio" name="content" checked={source === 'text'} onChange={() => setSource('text')} /> Type or paste the text
            </label>
            <label className="check">
              <input type="radio" name="content" checked={source === 'file'} onChange={() => setSource('file')} /> Upload a file (PDF, DOCX or TXT)
            </label>
          </Fieldset>
        )}
        {source === 'file' && !document ? (
          <Field label="File" hint="PDF, DOCX or TXT, at most 15 MB. Its text is extracted for search." error={error?.fieldError('/file')}>
            {(props) => <input {...props} type="file" accept={`${FILE_TYPES.join(',')},application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain`} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
        ) : hasFile ? (
          <p className="hint">The text of this document comes from its file ({document?.fileName}); it cannot be edited here.</p>
        ) : (
          <Field label="Text" hint={document ? undefined : 'Required: a document holds its text or its file.'} error={error?.fieldError('/body')}>
            {(props) => <textarea {...props} rows={14} value={body} onChange={(event) => setBody(event.target.value)} />}
          </Field>
        )}

        <SharingFields value={sharing} onChange={setSharing} members={memberItems} groups={groups} error={error} />

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Saving…' : document ? 'Save changes' : 'Add to library'}
          </button>
          <Link to={back}>Cancel</Link>
        </div>
      </form>
    </>
  );
}

function fileProblem(file: File | null): FieldError | null {
  const at = (detail: string): FieldError => ({ pointer: '/file', detail });
  if (!file) return at('Choose a file to upload, or type the text instead.');
  if (!FILE_TYPES.some((type) => file.name.toLowerCase().endsWith(type))) return at('The file must be a PDF, DOCX or TXT file.');
  if (file.size > MAX_FILE_BYTES) return at('The file is larger than 15 MB.');
  return null;
}
