import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../../api.js';
import { DEFAULT_SHARING, draftOf, SharingFields, toSharing, type SharingDraft } from '../../components/sharing-fields.js';
import { DateText, ErrorAlert, Field, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { Group } from '../directory/api.js';
import { useMembers } from '../directory/hooks.js';
import type { ImportOptions, ImportRun, MappingPreview, SavedMapping } from './api.js';
import { draftOfMapping, MappingEditor, toMapping, type MappingDraft } from './import-mapping.js';
import { RunProgress, RunResult, STATUS_LABELS, useImportRun } from './import-run.js';

type Format = ImportOptions['format'];

const FORMATS: { value: Format; label: string }[] = [
  { value: 'mapped', label: 'My own spreadsheet: map its columns' },
  { value: 'lintas', label: 'The Lintas template' },
  { value: 'missing-migrants', label: 'The IOM Missing Migrants Project file' },
];

function multipart(file: File, options: unknown): FormData {
  const form = new FormData();
  form.append('options', JSON.stringify(options));
  form.append('file', file);
  return form;
}

/** Import (a file read, mapped, checked by a dry run, then imported as a run) and export, on one page. */
export function ReportsImportPage() {
  useTitle('Import and export reports');
  const { session } = useSession();
  const mayImport = can(session, 'reports.import');
  return (
    <>
      <PageHeader title="Import and export reports" />
      {mayImport ? <ImportSection /> : <p>Your roles do not import reports.</p>}
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">Export</h2>
        <p>
          The reports you may see and pass on, in the import template’s columns, so an export imports again. To export some of them, filter the{' '}
          <Link to="/reports">reports list</Link> and use its export links: they carry its filters.
        </p>
        {can(session, 'reports.export') ? (
          <p className="inline-actions">
            <a className="button button-secondary" href="/api/v1/reports/export.csv" download>
              Export all as CSV
            </a>{' '}
            <a className="button button-secondary" href="/api/v1/reports/export.xlsx" download>
              Export all as XLSX
            </a>
          </p>
        ) : null}
        <p>
          The template: <a href="/api/v1/reports/import/template.xlsx">XLSX with instructions</a> · <a href="/api/v1/reports/import/template.csv">CSV header</a>
        </p>
      </section>
      {mayImport ? <RecentRuns /> : null}
    </>
  );
}

function ImportSection() {
  const { session } = useSession();
  const members = useMembers();
  const groups = useResource<{ data: Group[] }>('/groups');
  const saved = useResource<{ data: SavedMapping[] }>('/reports/import-mappings');
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>('mapped');
  const [preview, setPreview] = useState<MappingPreview | null>(null);
  const [draft, setDraft] = useState<MappingDraft | null>(null);
  const [savedId, setSavedId] = useState('');
  const [saveName, setSaveName] = useState('');
  const [savedNote, setSavedNote] = useState('');
  const [sharing, setSharing] = useState<SharingDraft>(DEFAULT_SHARING);
  const [partial, setPartial] = useState(false);
  const [status, setStatus] = useState<'draft' | 'submitted'>('draft');
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const dryRun = useImportRun(dryRunId);
  const reading = useSubmit();
  const starting = useSubmit();
  const saving = useSubmit();
  const ready = file !== null && (format !== 'mapped' || (preview !== null && draft !== null));

  const read = (event: SubmitEvent): void => {
    event.preventDefault();
    setDryRunId(null);
    setPreview(null);
    setDraft(null);
    if (!file) {
      reading.setError(new ApiError(400, 'Choose a file', 'Choose a CSV or XLSX file first.', [{ pointer: '/file', detail: 'is required' }]));
      return;
    }
    if (format !== 'mapped') return;
    void reading.run(async () => {
      const form = new FormData();
      form.append('file', file);
      const next = await api.post<MappingPreview>('/reports/import-mappings/preview', form);
      const chosen = saved.data?.data.find((mapping) => mapping.id === savedId);
      setPreview(next);
      setDraft(draftOfMapping(next, chosen?.mapping ?? next.suggested));
      if (chosen?.mapping.sharing) setSharing(draftOf(chosen.mapping.sharing));
    });
  };

  const chooseSaved = (id: string): void => {
    setSavedId(id);
    const chosen = saved.data?.data.find((mapping) => mapping.id === id);
    if (!chosen) return;
    setSaveName(chosen.name);
    if (preview) setDraft(draftOfMapping(preview, chosen.mapping));
    if (chosen.mapping.sharing) setSharing(draftOf(chosen.mapping.sharing));
  };

  const options = (dry: boolean): ImportOptions => ({
    format,
    ...(format === 'mapped' && preview && draft ? { mapping: toMapping(preview, draft) } : {}),
    sharing: toSharing(sharing),
    status,
    ...(partial ? { partial: true } : {}),
    ...(dry ? { dryRun: true } : {}),
  });

  const start = (dry: boolean): void => {
    if (!file) return;
    void starting.run(async () => {
      const run = await api.post<ImportRun>('/reports/import-runs', multipart(file, options(dry)));
      if (dry) setDryRunId(run.id);
      else navigate(`/reports/import/runs/${encodeURIComponent(run.id)}`);
    });
  };

  const save = (): void => {
    if (!preview || !draft) return;
    void saving.run(async () => {
      const body = { name: saveName.trim(), mapping: { ...toMapping(preview, draft), sharing: toSharing(sharing) } };
      const existing = saved.data?.data.find((mapping) => mapping.name === body.name);
      const result = existing ? await api.put<SavedMapping>(`/reports/import-mappings/${encodeURIComponent(existing.id)}`, body) : await api.post<SavedMapping>('/reports/import-mappings', body);
      setSavedId(result.id);
      setSavedNote(`Saved as “${result.name}”.`);
      saved.reload();
    });
  };

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading">Import</h2>
      <form onSubmit={read} noValidate className="import-form">
        <div className="form-grid">
          <Field label="File" hint="CSV or XLSX, up to 64 MB and 200,000 rows." error={reading.error?.fieldError('/file')}>
            {(props) => <input {...props} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
          <Field label="What the file is">
            {(props) => (
              <select {...props} value={format} onChange={(event) => setFormat(event.target.value as Format)}>
                {FORMATS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {format === 'mapped' && (saved.data?.data.length ?? 0) > 0 ? (
            <Field label="Saved mapping" hint="Your member’s mappings of earlier files.">
              {(props) => (
                <select {...props} value={savedId} onChange={(event) => chooseSaved(event.target.value)}>
                  <option value="">Suggest one from the file</option>
                  {saved.data?.data.map((mapping) => (
                    <option key={mapping.id} value={mapping.id}>
                      {mapping.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
        </div>
        {format === 'mapped' ? (
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={reading.busy}>
              {reading.busy ? 'Reading…' : 'Read the file'}
            </button>
          </div>
        ) : null}
        <ErrorAlert error={reading.error} shown={['/file']} />
      </form>

      {preview && draft ? (
        <section aria-labelledby="preview-heading">
          <h3 id="preview-heading">The first rows of {preview.fileName}</h3>
          <div className="table-wrap" role="region" aria-label={`First rows of ${preview.fileName}`} tabIndex={0}>
            <table className="preview-table">
              <thead>
                <tr>
                  {preview.header.map((name) => (
                    <th key={name} scope="col">
                      {name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row, index) => (
                  <tr key={index}>
                    {row.map((cell, column) => (
                      <td key={column} className="cell-value">
                        {cell}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MappingEditor preview={preview} draft={draft} onChange={setDraft} />
          <div className="form-grid save-mapping">
            <Field label="Save this mapping as" hint="Saved for your member; a name in use is changed." error={saving.error?.fieldError('/name')}>
              {(props) => <input {...props} value={saveName} maxLength={100} onChange={(event) => setSaveName(event.target.value)} />}
            </Field>
            <div className="form-actions">
              <button type="button" className="button-secondary" disabled={saving.busy || saveName.trim() === ''} onClick={save}>
                Save mapping
              </button>
            </div>
          </div>
          {savedNote && !saving.error ? <p role="status">{savedNote}</p> : null}
          <ErrorAlert error={saving.error} shown={['/name']} />
        </section>
      ) : null}

      {ready ? (
        <section aria-labelledby="options-heading">
          <h3 id="options-heading">How to import</h3>
          <SharingFields value={sharing} onChange={setSharing} members={members.list.filter((member) => member.code !== session.user.member)} groups={groups.data?.data ?? []} error={starting.error} pointer="/options/sharing" />
          <p className="hint">Rows that give their own audience and TLP keep them; the others take this sharing.</p>
          <Field label="Status of new reports">
            {(props) => (
              <select {...props} value={status} onChange={(event) => setStatus(event.target.value as 'draft' | 'submitted')}>
                <option value="draft">Draft</option>
                <option value="submitted">Submitted for approval</option>
              </select>
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={partial} onChange={(event) => setPartial(event.target.checked)} /> Import the good rows even when some rows have errors
          </label>
          <div className="form-actions">
            <button type="button" className="button-secondary" disabled={starting.busy} onClick={() => start(true)}>
              Dry run
            </button>
            <button type="button" className="button-primary" disabled={starting.busy} onClick={() => start(false)}>
              Import
            </button>
          </div>
          <ErrorAlert error={starting.error} shown={['/options/sharing']} />
        </section>
      ) : null}

      {dryRunId ? (
        <section aria-labelledby="dry-run-heading" className="dry-run">
          <h3 id="dry-run-heading">Dry run</h3>
          <ErrorAlert error={dryRun.error} />
          {dryRun.run ? <RunProgress run={dryRun.run} /> : null}
          {dryRun.run && (dryRun.run.status === 'done' || dryRun.run.status === 'failed') ? <RunResult run={dryRun.run} /> : null}
        </section>
      ) : null}
    </section>
  );
}

/** The member's latest imports, each a link to its page. */
function RecentRuns() {
  const runs = useResource<{ data: ImportRun[] }>('/reports/import-runs');
  const list = runs.data?.data ?? [];
  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading">Your member’s recent imports</h2>
      <ErrorAlert error={runs.error} />
      {list.length === 0 ? (
        <p className="muted">{runs.loading ? 'Loading…' : 'No imports yet.'}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Recent imports" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Rows</th>
                <th scope="col">Written</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to={`/reports/import/runs/${encodeURIComponent(run.id)}`}>{run.fileName}</Link>
                    {run.dryRun ? ' (dry run)' : ''}
                  </td>
                  <td>
                    <DateText value={run.createdAt} withTime />
                  </td>
                  <td>{STATUS_LABELS[run.status]}</td>
                  <td>{run.rowsRead.toLocaleString('en-GB')}</td>
                  <td>{run.rowsWritten.toLocaleString('en-GB')}</td>
                  <td>{run.errorCount.toLocaleString('en-GB')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
