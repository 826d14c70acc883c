import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { DateText, ErrorAlert, Field } from '../../components/ui.js';
import { toApiError, useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { Link, navigate } from '../../router.js';
import {
  ENROLMENT_COLUMNS, ENROLMENT_STATUS_LABEL, enrolmentApiPath, enrolmentPagePath, enrolmentReportUrl, labelIn, MAX_ARCHIVE_BYTES, REJECTION_LABEL,
  type EnrolmentMetadata, type EnrolmentRejectionRow, type EnrolmentRun,
} from './api.js';

/** How often a run still going is asked for its progress. */
const POLL_MS = 1000;
/** The pointers the form shows itself: the file's and the default day's at their fields, the CSV's cells in a list of their own. */
const SHOWN = ['/file', '/metadata/retainUntil', '/rows', '/lines'];
/** Reasons whose server detail says more than the reason's words: which cell, which row, which name. */
const DETAILED = new Set(['invalid-row', 'duplicate-reference', 'missing-file', 'damaged-file']);

const going = (run: EnrolmentRun | undefined): boolean => run?.status === 'queued' || run?.status === 'running';

/** A run, asked for again every second while it is queued or running (as import runs are: a reload starts polling again). */
function useEnrolmentRun(id: string | null): { run: EnrolmentRun | undefined; error: ApiError | undefined } {
  const [run, setRun] = useState<EnrolmentRun>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    setRun(undefined);
    setError(undefined);
    if (id === null) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (): void => {
      api.get<{ data: EnrolmentRun }>(enrolmentApiPath(id), controller.signal).then(
        (next) => {
          setRun(next.data);
          if (going(next.data)) timer = setTimeout(ask, POLL_MS);
        },
        (reason: unknown) => {
          if (!controller.signal.aborted) setError(toApiError(reason));
        },
      );
    };
    ask();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id]);
  return { run, error };
}

/**
 * Enrolment of many subjects from a ZIP archive of face images and a CSV naming them: the form,
 * the chosen run's progress and report (`?run=` in the address), and the member's recent runs.
 */
export function EnrolArchive({ runId, onProgress }: { runId: string | null; onProgress: () => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [retainUntil, setRetainUntil] = useState('');
  const [generation, setGeneration] = useState(0);
  const { busy, error, setError, run } = useSubmit();
  const recent = useResource<{ data: EnrolmentRun[] }>('/biometrics/enrolments');
  const reloadRecent = recent.reload;
  const followRun = useCallback(() => {
    onProgress();
    reloadRecent();
  }, [onProgress, reloadRecent]);

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const problems: FieldError[] = [];
    if (!file) problems.push({ pointer: '/file', detail: t('biometrics.bulk.fileMissing') });
    else if (file.size > MAX_ARCHIVE_BYTES) problems.push({ pointer: '/file', detail: t('biometrics.bulk.fileTooLarge') });
    if (problems.length > 0 || !file) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), problems));
      return;
    }
    const metadata: EnrolmentMetadata = retainUntil ? { retainUntil } : {};
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', file, file.name);
    void run(async () => {
      const answer = await api.post<{ data: EnrolmentRun }>('/biometrics/enrolments', form);
      setFile(null);
      setGeneration((value) => value + 1);
      navigate(enrolmentPagePath(answer.data.id));
    });
  };

  const cells = error?.errors.filter((item) => item.pointer.startsWith('/rows') || item.pointer.startsWith('/lines')) ?? [];
  return (
    <section className="panel" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">{t('biometrics.bulk.title')}</h2>
      <p className="hint">{t('biometrics.bulk.hint')}</p>
      <details className="subform">
        <summary>{t('biometrics.bulk.howTo')}</summary>
        <p>{t('biometrics.bulk.howToColumns')}</p>
        <p>
          <code className="bulk-columns">{ENROLMENT_COLUMNS.join(',')}</code>
        </p>
        <p className="hint">{t('biometrics.bulk.howToRows')}</p>
      </details>
      <form onSubmit={submit} noValidate className="enrol-form" aria-label={t('biometrics.bulk.title')}>
        <ErrorAlert error={error} shown={SHOWN} />
        {cells.length > 0 ? (
          <ul className="bulk-cells" aria-label={t('biometrics.bulk.cells')}>
            {cells.map((item) => (
              <li key={`${item.pointer} ${item.detail}`}>
                <strong>{cellLabel(t, item.pointer)}: </strong>
                <span translate="no">{item.detail}</span>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="form-grid">
          <Field label={t('biometrics.bulk.file')} hint={t('biometrics.bulk.fileHint')} error={error?.fieldError('/file')}>
            {(props) => <input key={generation} {...props} type="file" accept=".zip,application/zip" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />}
          </Field>
          <Field label={t('biometrics.bulk.retainUntil')} hint={t('biometrics.bulk.retainUntilHint')} error={error?.fieldError('/metadata/retainUntil')}>
            {(props) => <input {...props} type="date" value={retainUntil} onChange={(event) => setRetainUntil(event.target.value)} />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('biometrics.bulk.sending') : t('biometrics.bulk.submit')}
          </button>
        </div>
      </form>
      {runId ? <RunReport key={runId} id={runId} onChange={followRun} /> : null}
      <RecentRuns runs={recent.data?.data} error={recent.error} loading={recent.loading} current={runId} />
    </section>
  );
}

/** "/rows/7/retention_until" → "Row 7, column retention_until"; "/lines/3" → "Line 3". */
function cellLabel(t: ReturnType<typeof useT>, pointer: string): string {
  const [kind, number, column] = pointer.split('/').slice(1);
  if (kind === 'lines') return t('biometrics.bulk.line', { n: Number(number) });
  return column ? t('biometrics.bulk.cell', { n: Number(number), column }) : t('biometrics.bulk.row', { n: Number(number) });
}

/** A run's progress while it goes, then its counts and the rows it did not enrol, with their reasons. */
function RunReport({ id, onChange }: { id: string; onChange: () => void }) {
  const t = useT();
  const { run, error } = useEnrolmentRun(id);
  const status = run?.status;
  // The gallery and the list of runs follow the run when its status changes (queued, running, ended),
  // not at every image: each reading of the gallery's list is audited.
  useEffect(() => {
    if (status !== undefined) onChange();
  }, [status, onChange]);
  if (error) return <ErrorAlert error={error} />;
  if (!run) return null;
  const rejections = run.rejections ?? [];
  return (
    <section className="bulk-run" aria-labelledby="bulk-run-heading">
      <h3 id="bulk-run-heading">{t.rich('biometrics.bulk.run', { name: <span translate="no">{run.fileName}</span> })}</h3>
      <p className="meta">
        {t.rich('biometrics.bulk.started', { date: <DateText value={run.createdAt} withTime /> })}
        {run.finishedAt ? (
          <>
            {' · '}
            {t.rich('biometrics.bulk.ended', { date: <DateText value={run.finishedAt} withTime /> })}
          </>
        ) : null}
      </p>
      <div className="import-progress">
        <label htmlFor={`bulk-progress-${run.id}`}>{t(ENROLMENT_STATUS_LABEL[run.status])}</label>
        <progress id={`bulk-progress-${run.id}`} max={Math.max(run.total, 1)} value={run.processed} aria-describedby={`bulk-progress-words-${run.id}`} />
        <p id={`bulk-progress-words-${run.id}`} role="status" aria-live="polite">
          {t('biometrics.bulk.progress', { n: run.processed, total: run.total, enrolled: run.enrolled, rejected: run.rejected })}
        </p>
      </div>
      {run.problem ? (
        // The server's own words: data here.
        <div className="alert alert-warning" role="alert" translate="no">
          <p>
            <strong>{run.problem.title}</strong>
          </p>
          <p>{run.problem.detail}</p>
        </div>
      ) : null}
      {rejections.length > 0 ? (
        <>
          <p>
            <a className="button button-secondary" href={enrolmentReportUrl(run.id)} download>
              {t('biometrics.bulk.download')}
            </a>
          </p>
          <RejectionTable rows={rejections} total={run.rejected} />
        </>
      ) : run.status === 'done' ? (
        <p>{t('biometrics.bulk.noneRejected')}</p>
      ) : null}
    </section>
  );
}

function RejectionTable({ rows, total }: { rows: readonly EnrolmentRejectionRow[]; total: number }) {
  const t = useT();
  return (
    <div className="table-wrap" role="region" aria-labelledby="bulk-rejections" tabIndex={0}>
      <table>
        <caption id="bulk-rejections">
          {t('biometrics.bulk.rejections', { count: total })}
          {total > rows.length ? ` ${t('biometrics.bulk.firstOf', { n: rows.length })}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('biometrics.bulk.rowHeader')}</th>
            <th scope="col">{t('biometrics.bulk.fileHeader')}</th>
            <th scope="col">{t('biometrics.enrol.reference')}</th>
            <th scope="col">{t('biometrics.bulk.reasonHeader')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const label = labelIn(REJECTION_LABEL, row.reason);
            return (
              <tr key={row.row}>
                <td>{t.number(row.row)}</td>
                <td className="cell-value" translate="no">{row.file ?? ''}</td>
                <td className="cell-value" translate="no">{row.reference ?? ''}</td>
                <td>
                  {label ? t(label) : <code>{row.reason}</code>}
                  {DETAILED.has(row.reason) && row.detail ? (
                    <>
                      <br />
                      <span className="hint" translate="no">
                        {row.column ? `${row.column}: ` : ''}
                        {row.detail}
                      </span>
                    </>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The member's latest runs, each a link that shows its progress and report on this page. */
function RecentRuns({ runs, error, loading, current }: { runs: EnrolmentRun[] | undefined; error: ApiError | undefined; loading: boolean; current: string | null }) {
  const t = useT();
  const list = runs ?? [];
  return (
    <section>
      <h3 id="bulk-recent">{t('biometrics.bulk.recent')}</h3>
      <ErrorAlert error={error} />
      {list.length === 0 ? (
        <p className="muted">{loading ? t('ui.loading') : t('biometrics.bulk.noRuns')}</p>
      ) : (
        <div className="table-wrap" role="region" aria-labelledby="bulk-recent" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('biometrics.bulk.fileHeader')}</th>
                <th scope="col">{t('biometrics.bulk.startedHeader')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('biometrics.bulk.enrolledHeader')}</th>
                <th scope="col">{t('biometrics.bulk.rejectedHeader')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((item) => (
                <tr key={item.id}>
                  <td>
                    <Link to={enrolmentPagePath(item.id)} translate="no" aria-current={item.id === current ? 'true' : undefined}>
                      {item.fileName}
                    </Link>
                  </td>
                  <td>
                    <DateText value={item.createdAt} withTime />
                  </td>
                  <td>{t(ENROLMENT_STATUS_LABEL[item.status])}</td>
                  <td>{t('biometrics.bulk.ofTotal', { n: item.enrolled, total: item.total })}</td>
                  <td>{t.number(item.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
