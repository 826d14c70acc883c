import type { Table } from '../../../../platform/files/tabular.js';
import { CODE_FIELDS, mappingTargets } from './mapped.js';
import type { ImportMapping, MappingPreview } from './mapping-schemas.js';
import { suggestColumns, suggestDateOrder, suggestValues } from './suggest.js';

/** How many rows the preview shows, and how many it reads for the suggestions. */
const PREVIEW_ROWS = 10;
const SUGGESTION_ROWS = 5000;
const DISTINCT_VALUES = 100;
/** Longer cells are text, not values of a list: they are not collected. */
const DISTINCT_LENGTH = 80;

/**
 * What the page shows before an import of a file of one's own: its header, its first rows, and the
 * suggested mapping (headers to template columns, values of code-list columns to codes, the date
 * order), with the distinct values of those columns for the value table. Reads only the file.
 */
export function previewTable(table: Table, fileName: string): MappingPreview {
  const header = table.header;
  const columns = suggestColumns(header);
  const dateColumns = columns.filter((column) => column.target === 'date_from' || column.target === 'date_to').map((column) => column.source);
  const distinct = new Map(header.map((source) => [source, new Set<string>()]));
  const dates: string[] = [];
  const rows: string[][] = [];
  let rowsRead = 0;
  for (const { cells } of table.rows) {
    if (rows.length < PREVIEW_ROWS) rows.push(header.map((name) => cells[name] ?? ''));
    for (const [source, seen] of distinct) {
      const text = (cells[source] ?? '').trim();
      if (text !== '' && text.length <= DISTINCT_LENGTH && seen.size < DISTINCT_VALUES) seen.add(text);
    }
    for (const source of dateColumns) if (dates.length < 200 && cells[source]) dates.push(cells[source]);
    if (++rowsRead >= SUGGESTION_ROWS) break;
  }
  const distinctValues = header.map((source) => ({ source, values: [...(distinct.get(source) ?? [])].sort() }));
  const dateOrder = suggestDateOrder(dates);
  // Values of the columns suggested for code-list fields, each item of a list on its own.
  const values = suggestValues(columns.flatMap((column) => {
    const field = CODE_FIELDS[column.target];
    if (!field) return [];
    const seen = distinct.get(column.source) ?? new Set<string>();
    const items = field.list ? [...seen].flatMap((text) => text.split(';').map((item) => item.trim()).filter(Boolean)) : [...seen];
    return [{ source: column.source, field: column.target, values: items }];
  }));
  const suggested: ImportMapping = {
    columns: columns.map((column) => ({ source: column.source, target: column.target })),
    ...(values.length > 0 ? { values } : {}),
    ...(dateOrder ? { dateOrder } : {}),
  };
  return {
    fileName,
    encoding: table.encoding,
    delimiter: table.delimiter,
    header,
    rows,
    rowsRead,
    suggested,
    matches: columns.map((column) => ({ source: column.source, how: column.how })),
    distinct: distinctValues,
    targets: mappingTargets(),
  };
}
