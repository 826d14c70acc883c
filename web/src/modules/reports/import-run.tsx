import { useEffect, useState } from 'react';
import { api, type ApiError } from '../../api.js';
import { DateText, ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { toApiError, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import type { ImportRun } from './api.js';
import { ImportCounts, ImportProblems } from './import-tables.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';

/** How often a running import is asked for its progress. */
const POLL_MS = 500;

export const STATUS_LABEL: Readonly<Record<ImportRun['status'], MessageId>> = {
  queued: msg('reports.import.run.queued'),
  running: msg('reports.import.run.running'),
  done: msg('reports.import.run.done'),
  failed: msg('reports.import.run.failed'),
};

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
  const t = useT();
  const total = run.rowsTotal ?? undefined;
  const going = !finished(run);
  const values = { n: run.rowsRead, count: run.errorCount, source: run.rowsWritten, information: total ?? 0 };
  const words = total !== undefined
    ? going ? t('reports.import.run.progressOfSoFar', values) : t('reports.import.run.progressOf', values)
    : going ? t('reports.import.run.progressSoFar', values) : t('reports.import.run.progress', values);
  return (
    <div className="import-progress">
      <label htmlFor={`progress-${run.id}`}>
        {t(STATUS_LABEL[run.status])}
        {run.dryRun ? ` ${t('reports.import.run.dryRunNote')}` : ''}
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
  const t = useT();
  return (
    <>
      {run.problem ? (
        // The server's own words: data here.
        <div className="alert alert-error" role="alert" translate="no">
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
          <Link to={`/reports?importId=${encodeURIComponent(run.id)}`}>{t('reports.import.run.seeReports', { count: run.rowsWritten })}</Link>
        </p>
      ) : null}
    </>
  );
}

/** One import run: its progress while it goes (a reload picks it up again), then its result. */
export function ImportRunPage({ id }: { id: string }) {
  const { run, error } = useImportRun(id);
  const t = useT();
  useTitle(run ? t('reports.import.run.title', { name: run.fileName }) : t('reports.import.import'));
  if (error) return <ErrorAlert error={error} />;
  if (!run) return <Loading />;
  return (
    <>
      <PageHeader
        title={
          run.dryRun
            ? t.rich('reports.import.run.dryRunOf', { name: <span translate="no">{run.fileName}</span> })
            : t.rich('reports.import.run.title', { name: <span translate="no">{run.fileName}</span> })
        }
      >
        <Link className="button button-secondary" to="/reports/import">
          {t('reports.import.run.another')}
        </Link>
      </PageHeader>
      <p className="meta">
        {t.rich('reports.import.run.started', { date: <DateText value={run.createdAt} withTime /> })}
        {run.finishedAt ? (
          <>
            {' · '}
            {t.rich('reports.import.run.ended', { date: <DateText value={run.finishedAt} withTime /> })}
          </>
        ) : null}
        {' · '}
        {t.rich('reports.import.run.format', { type: <code>{run.format}</code> })}
      </p>
      <RunProgress run={run} />
      {finished(run) ? (
        <section aria-labelledby="run-result">
          <h2 id="run-result">{t('reports.import.run.result')}</h2>
          <RunResult run={run} />
        </section>
      ) : null}
    </>
  );
}
