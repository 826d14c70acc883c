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
import { RunProgress, RunResult, STATUS_LABEL, useImportRun } from './import-run.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';

type Format = ImportOptions['format'];

const FORMATS: { value: Format; label: MessageId }[] = [
  { value: 'mapped', label: msg('reports.import.format.mapped') },
  { value: 'lintas', label: msg('reports.import.format.lintas') },
  { value: 'missing-migrants', label: msg('reports.import.format.missingMigrants') },
];

function multipart(file: File, options: unknown): FormData {
  const form = new FormData();
  form.append('options', JSON.stringify(options));
  form.append('file', file);
  return form;
}

/** Import (a file read, mapped, checked by a dry run, then imported as a run) and export, on one page. */
export function ReportsImportPage() {
  const t = useT();
  useTitle(t('reports.import.title'));
  const { session } = useSession();
  const mayImport = can(session, 'reports.import');
  return (
    <>
      <PageHeader title={t('reports.import.title')} />
      {mayImport ? <ImportSection /> : <p>{t('reports.import.notAllowed')}</p>}
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">{t('reports.import.export')}</h2>
        <p>{t.rich('reports.import.exportIntro', { docs: (chunks) => <Link to="/reports">{chunks}</Link> })}</p>
        {can(session, 'reports.export') ? (
          <p className="inline-actions">
            <a className="button button-secondary" href="/api/v1/reports/export.csv" download>
              {t('reports.import.exportCsv')}
            </a>{' '}
            <a className="button button-secondary" href="/api/v1/reports/export.xlsx" download>
              {t('reports.import.exportXlsx')}
            </a>
          </p>
        ) : null}
        <p>
          {t('reports.import.template')} <a href="/api/v1/reports/import/template.xlsx">{t('reports.import.templateXlsx')}</a> · <a href="/api/v1/reports/import/template.csv">{t('reports.import.templateCsv')}</a>
        </p>
      </section>
      {mayImport ? <RecentRuns /> : null}
    </>
  );
}

function ImportSection() {
  const t = useT();
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
      reading.setError(new ApiError(400, t('reports.import.chooseFile'), t('reports.import.chooseFileDetail'), [{ pointer: '/file', detail: t('reports.import.required') }]));
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
      setSavedNote(result.name);
      saved.reload();
    });
  };

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading">{t('reports.import.import')}</h2>
      <form onSubmit={read} noValidate className="import-form">
        <div className="form-grid">
          <Field label={t('reports.import.file')} hint={t('reports.import.fileHint', { n: 64, count: 200_000 })} error={reading.error?.fieldError('/file')}>
            {(props) => <input {...props} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
          <Field label={t('reports.import.format')}>
            {(props) => (
              <select {...props} value={format} onChange={(event) => setFormat(event.target.value as Format)}>
                {FORMATS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {t(option.label)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {format === 'mapped' && (saved.data?.data.length ?? 0) > 0 ? (
            <Field label={t('reports.import.savedMapping')} hint={t('reports.import.savedMappingHint')}>
              {(props) => (
                <select {...props} value={savedId} onChange={(event) => chooseSaved(event.target.value)}>
                  <option value="">{t('reports.import.suggest')}</option>
                  {saved.data?.data.map((mapping) => (
                    <option key={mapping.id} value={mapping.id} translate="no">
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
              {reading.busy ? t('reports.import.reading') : t('reports.import.read')}
            </button>
          </div>
        ) : null}
        <ErrorAlert error={reading.error} shown={['/file']} />
      </form>

      {preview && draft ? (
        <section aria-labelledby="preview-heading">
          <h3 id="preview-heading">{t.rich('reports.import.firstRows', { name: <span translate="no">{preview.fileName}</span> })}</h3>
          <div className="table-wrap" role="region" aria-label={t('reports.import.firstRowsOf', { name: preview.fileName })} tabIndex={0}>
            <table className="preview-table" translate="no">
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
            <Field label={t('reports.import.saveAs')} hint={t('reports.import.saveAsHint')} error={saving.error?.fieldError('/name')}>
              {(props) => <input {...props} value={saveName} maxLength={100} onChange={(event) => setSaveName(event.target.value)} />}
            </Field>
            <div className="form-actions">
              <button type="button" className="button-secondary" disabled={saving.busy || saveName.trim() === ''} onClick={save}>
                {t('reports.import.save')}
              </button>
            </div>
          </div>
          {savedNote && !saving.error ? <p role="status">{t.rich('reports.import.saved', { name: <span translate="no">{savedNote}</span> })}</p> : null}
          <ErrorAlert error={saving.error} shown={['/name']} />
        </section>
      ) : null}

      {ready ? (
        <section aria-labelledby="options-heading">
          <h3 id="options-heading">{t('reports.import.how')}</h3>
          <SharingFields value={sharing} onChange={setSharing} members={members.list.filter((member) => member.code !== session.user.member)} groups={groups.data?.data ?? []} error={starting.error} pointer="/options/sharing" />
          <p className="hint">{t('reports.import.sharingHint')}</p>
          <Field label={t('reports.import.status')}>
            {(props) => (
              <select {...props} value={status} onChange={(event) => setStatus(event.target.value as 'draft' | 'submitted')}>
                <option value="draft">{t('reports.import.statusDraft')}</option>
                <option value="submitted">{t('reports.import.statusSubmitted')}</option>
              </select>
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={partial} onChange={(event) => setPartial(event.target.checked)} /> {t('reports.import.partial')}
          </label>
          <div className="form-actions">
            <button type="button" className="button-secondary" disabled={starting.busy} onClick={() => start(true)}>
              {t('reports.import.dryRun')}
            </button>
            <button type="button" className="button-primary" disabled={starting.busy} onClick={() => start(false)}>
              {t('reports.import.import')}
            </button>
          </div>
          <ErrorAlert error={starting.error} shown={['/options/sharing']} />
        </section>
      ) : null}

      {dryRunId ? (
        <section aria-labelledby="dry-run-heading" className="dry-run">
          <h3 id="dry-run-heading">{t('reports.import.dryRun')}</h3>
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
  const t = useT();
  const runs = useResource<{ data: ImportRun[] }>('/reports/import-runs');
  const list = runs.data?.data ?? [];
  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading">{t('reports.import.recent')}</h2>
      <ErrorAlert error={runs.error} />
      {list.length === 0 ? (
        <p className="muted">{runs.loading ? t('ui.loading') : t('reports.import.noRuns')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-label={t('reports.import.recentLabel')} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('reports.import.file')}</th>
                <th scope="col">{t('reports.import.started')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('reports.import.rows')}</th>
                <th scope="col">{t('reports.import.written')}</th>
                <th scope="col">{t('reports.import.errors')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to={`/reports/import/runs/${encodeURIComponent(run.id)}`} translate="no">{run.fileName}</Link>
                    {run.dryRun ? ` ${t('reports.import.dryRunMark')}` : ''}
                  </td>
                  <td>
                    <DateText value={run.createdAt} withTime />
                  </td>
                  <td>{t(STATUS_LABEL[run.status])}</td>
                  <td>{t.number(run.rowsRead)}</td>
                  <td>{t.number(run.rowsWritten)}</td>
                  <td>{t.number(run.errorCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
