import { Fragment } from 'react';
import type { ImportResult, ImportRun } from './api.js';
import { useT } from '../../i18n/index.js';

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
  const t = useT();
  return (
    <div className="table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table>
        <caption id={id}>
          {caption}
          {rows.length > SHOWN ? ` ${t('reports.import.problems.firstOf', { n: SHOWN, count: rows.length })}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.import.problems.row')}</th>
            <th scope="col">{t('reports.import.problems.column')}</th>
            <th scope="col">{t('reports.import.problems.value')}</th>
            <th scope="col">{t('reports.import.problems.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN).map((problem, index) => (
            <tr key={`${problem.row ?? ''}-${problem.column ?? ''}-${index}`}>
              <td>{problem.row ?? ''}</td>
              <td translate="no">{problem.column ?? ''}</td>
              <td className="cell-value" translate="no">{problem.value ?? ''}</td>
              {/* The server's own words (web/src/i18n/README.md: data). */}
              <td translate="no">{problem.message ?? ''}</td>
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
  const t = useT();
  const result = run.result;
  if (!result) return null;
  const warnings = warningsOf(result);
  return (
    <>
      {result.errors.length > 0 ? (
        <section aria-labelledby={`errors-${run.id}`} className="import-problems">
          <h3 id={`errors-${run.id}`}>
            {t('reports.import.problems.errors', { n: result.rejected, count: result.errors.length })}
          </h3>
          <p>
            <a className="button button-secondary" href={`/api/v1/reports/import-runs/${encodeURIComponent(run.id)}/errors.csv`} download>
              {t('reports.import.problems.download')}
            </a>
          </p>
          <ProblemTable caption={t('reports.import.problems.rowsWithErrors')} rows={result.errors} id={`errors-caption-${run.id}`} />
        </section>
      ) : (
        <p>{t('reports.import.problems.none')}</p>
      )}
      {warnings.length > 0 ? (
        <section aria-labelledby={`warnings-${run.id}`} className="import-problems">
          <h3 id={`warnings-${run.id}`}>{t('reports.import.problems.warnings')}</h3>
          <ProblemTable caption={t('reports.import.problems.warnings')} rows={warnings} id={`warnings-caption-${run.id}`} />
        </section>
      ) : null}
    </>
  );
}

/** The result's counts as a description list. */
export function ImportCounts({ result }: { result: ImportResult }) {
  const t = useT();
  const figures: [string, number][] = [
    [t('reports.import.counts.rows'), result.rows],
    [result.dryRun ? t('reports.import.counts.wouldBeNew') : t('reports.import.counts.new'), result.imported],
    [result.dryRun ? t('reports.import.counts.wouldBeRewritten') : t('reports.import.counts.rewritten'), result.updated],
    [t('reports.import.counts.unchanged'), result.unchanged],
    [t('reports.import.problems.rowsWithErrors'), result.rejected],
  ];
  return (
    <dl className="details">
      {figures.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{t.number(value)}</dd>
        </Fragment>
      ))}
      {result.dates.length > 0 ? (
        <>
          <dt>{t('reports.import.counts.dates')}</dt>
          <dd>
            {result.dates.map((shape, index) => (
              <Fragment key={`${shape.column}-${shape.format}`}>
                {index > 0 ? '; ' : ''}
                {t.rich('reports.import.counts.dateShape', { name: <span translate="no">{shape.column}</span>, type: <code>{shape.format}</code>, count: shape.rows })}
              </Fragment>
            ))}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
