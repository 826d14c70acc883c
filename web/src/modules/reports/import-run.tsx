import { useEffect, useState } from 'react';
import { api, type ApiError } from '../../api.js';
import { DateText, ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { toApiError, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import type { ImportRun } from './api.js';
import { ImportCounts, ImportProblems } from './import-tables.js';

/** How often a running import is asked for its progress. */
const POLL_MS = 500;

export const STATUS_LABELS: Record<ImportRun['status'], string> = { queued: 'Waiting to start', running: 'Running', done: 'Done', failed: 'Failed' };

const finished = (run: ImportRun | undefined): boolean => run?.status === 'done' || run?.status === 'failed';

/**
 * An import run, asked for again every half second while it is queued or running. Polling rather
 * than server-sent events: the answer is a small JSON the API already serves, it goes through the
 * same authentication and proxies as every other request, and a reload simply starts polling again.
 */
export function useImportRun(id: string | null): { run: ImportRun | undefined; error: ApiError | undefined } {
  const [run, setRun] = useState<ImportRun>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    setRun(undefined);
    setError(undefined);
    if (id === null) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (): void => {
      api.get<ImportRun>(`/reports/import-runs/${encodeURIComponent(id)}`, controller.signal).then(
        (next) => {
          setRun(next);
          if (!finished(next)) timer = setTimeout(ask, POLL_MS);
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

/** How far a run is: a progress bar of the rows read, and the counters in words for screen readers. */
export function RunProgress({ run }: { run: ImportRun }) {
  const total = run.rowsTotal ?? undefined;
  const going = !finished(run);
  const words = `${run.rowsRead.toLocaleString('en-GB')}${total !== undefined ? ` of ${total.toLocaleString('en-GB')}` : ''} rows read, ${run.rowsWritten.toLocaleString('en-GB')} written, ${run.errorCount.toLocaleString('en-GB')} ${run.errorCount === 1 ? 'error' : 'errors'}${going ? ' so far' : ''}`;
  return (
    <div className="import-progress">
      <label htmlFor={`progress-${run.id}`}>
        {STATUS_LABELS[run.status]}
        {run.dryRun ? ' (dry run: nothing is written)' : ''}
      </label>
      <progress id={`progress-${run.id}`} max={total ?? 1} value={finished(run) ? (total ?? 1) : total ? run.rowsRead : undefined} aria-describedby={`progress-words-${run.id}`} />
      <p id={`progress-words-${run.id}`} role="status" aria-live="polite">
        {words}
      </p>
    </div>
  );
}

/** What a finished run gives: its counts, its errors and warnings, and its reports. */
export function RunResult({ run }: { run: ImportRun }) {
  return (
    <>
      {run.problem ? (
        <div className="alert alert-error" role="alert">
          <p>
            <strong>{run.problem.title}</strong>
          </p>
          <p>{run.problem.detail}</p>
        </div>
      ) : null}
      {run.result ? <ImportCounts result={run.result} /> : null}
      <ImportProblems run={run} />
      {run.status === 'done' && !run.dryRun && run.rowsWritten > 0 ? (
        <p>
          <Link to={`/reports?importId=${encodeURIComponent(run.id)}`}>See the {run.rowsWritten.toLocaleString('en-GB')} reports this import wrote</Link>
        </p>
      ) : null}
    </>
  );
}

/** One import run: its progress while it goes (a reload picks it up again), then its result. */
export function ImportRunPage({ id }: { id: string }) {
  const { run, error } = useImportRun(id);
  useTitle(run ? `Import of ${run.fileName}` : 'Import');
  if (error) return <ErrorAlert error={error} />;
  if (!run) return <Loading />;
  return (
    <>
      <PageHeader title={`${run.dryRun ? 'Dry run' : 'Import'} of ${run.fileName}`}>
        <Link className="button button-secondary" to="/reports/import">
          Import another file
        </Link>
      </PageHeader>
      <p className="meta">
        Started <DateText value={run.createdAt} withTime />
        {run.finishedAt ? (
          <>
            {' '}
            · ended <DateText value={run.finishedAt} withTime />
          </>
        ) : null}{' '}
        · format {run.format}
      </p>
      <RunProgress run={run} />
      {finished(run) ? (
        <section aria-labelledby="run-result">
          <h2 id="run-result">Result</h2>
          <RunResult run={run} />
        </section>
      ) : null}
    </>
  );
}
