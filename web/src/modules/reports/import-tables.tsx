import { Fragment } from 'react';
import type { ImportResult, ImportRun } from './api.js';

/**
 * The tables of an import's result: its row errors (row, column, value, reason), downloadable as CSV
 * from the server (neutralised against formula injection), and its warnings when the server gives
 * any (a later result field; shown the same way, whatever columns its rows have).
 */

interface RowProblem {
  row?: number;
  column?: string;
  value?: string;
  message?: string;
}

/** The most rows a table shows; the CSV holds them all. */
const SHOWN = 200;

function ProblemTable({ caption, rows, id }: { caption: string; rows: readonly RowProblem[]; id: string }) {
  return (
    <div className="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table>
        <caption id={id}>
          {caption}
          {rows.length > SHOWN ? ` (the first ${SHOWN} of ${rows.length})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Column</th>
            <th scope="col">Value</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN).map((problem, index) => (
            <tr key={`${problem.row ?? ''}-${problem.column ?? ''}-${index}`}>
              <td>{problem.row ?? ''}</td>
              <td>{problem.column ?? ''}</td>
              <td className="cell-value">{problem.value ?? ''}</td>
              <td>{problem.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Warnings as the result may carry them: a list of objects with a row, a column and a message, or plain text. */
function warningsOf(result: ImportResult): RowProblem[] {
  const warnings = (result as { warnings?: unknown }).warnings;
  if (!Array.isArray(warnings)) return [];
  return warnings.map((warning: unknown) => {
    if (typeof warning === 'string') return { message: warning };
    const item = (warning ?? {}) as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof item[key] === 'string' || typeof item[key] === 'number' ? String(item[key]) : undefined);
    return {
      ...(typeof item.row === 'number' ? { row: item.row } : {}),
      ...(text('column') !== undefined ? { column: text('column') } : {}),
      ...(text('value') !== undefined ? { value: text('value') } : {}),
      message: text('message') ?? text('detail') ?? JSON.stringify(warning),
    };
  });
}

/** A run's errors and warnings, with the link to download the errors. */
export function ImportProblems({ run }: { run: Pick<ImportRun, 'id' | 'result'> }) {
  const result = run.result;
  if (!result) return null;
  const warnings = warningsOf(result);
  return (
    <>
      {result.errors.length > 0 ? (
        <section aria-labelledby={`errors-${run.id}`} className="import-problems">
          <h3 id={`errors-${run.id}`}>
            Errors: {result.rejected} {result.rejected === 1 ? 'row' : 'rows'} with {result.errors.length} {result.errors.length === 1 ? 'error' : 'errors'}
          </h3>
          <p>
            <a className="button button-secondary" href={`/api/v1/reports/import-runs/${encodeURIComponent(run.id)}/errors.csv`} download>
              Download the errors as CSV
            </a>
          </p>
          <ProblemTable caption="Rows with errors" rows={result.errors} id={`errors-caption-${run.id}`} />
        </section>
      ) : (
        <p>No row has an error.</p>
      )}
      {warnings.length > 0 ? (
        <section aria-labelledby={`warnings-${run.id}`} className="import-problems">
          <h3 id={`warnings-${run.id}`}>Warnings</h3>
          <ProblemTable caption="Warnings" rows={warnings} id={`warnings-caption-${run.id}`} />
        </section>
      ) : null}
    </>
  );
}

/** The result's counts as a description list. */
export function ImportCounts({ result }: { result: ImportResult }) {
  const figures: [string, number][] = [
    ['Rows read', result.rows],
    [result.dryRun ? 'Would be new reports' : 'New reports', result.imported],
    [result.dryRun ? 'Would be rewritten' : 'Rewritten', result.updated],
    ['Unchanged', result.unchanged],
    ['Rows with errors', result.rejected],
  ];
  return (
    <dl className="details">
      {figures.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value.toLocaleString('en-GB')}</dd>
        </Fragment>
      ))}
      {result.dates.length > 0 ? (
        <>
          <dt>Dates read</dt>
          <dd>
            {result.dates.map((shape) => `${shape.column}: ${shape.format} (${shape.rows.toLocaleString('en-GB')} ${shape.rows === 1 ? 'row' : 'rows'})`).join('; ')}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
