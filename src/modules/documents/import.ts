import type { Readable } from 'node:stream';
import type { Ctx } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { readCsvStream, type CsvStreamRow } from '../../platform/files/csv-stream.js';
import { Problem } from '../../platform/errors.js';
import { isDocumentType, isIcaoIssuer, normaliseIssuer, type DocumentType } from './icao.js';
import { documentKey, normaliseDocumentNumber } from './number.js';
import type { Audience, IndexChanges } from './register.js';
import { DOCUMENT_STATUSES, type DocumentStatus, type Holder, type ImportResult, type ImportRowError } from './schemas.js';
import { DEFAULT_SHARING, ownIssuer } from './service.js';
import { sharingValues } from '../../platform/sharing/rule.js';
import { holderOf, holderSealer, type HolderSealer } from './holders.js';

/**
 * Bulk import of an issuer's documents from CSV, streamed (millions of rows): each row is checked
 * as it arrives and good rows are loaded in batches into a temporary staging table; then, in the
 * same one transaction, duplicates within the file are found, and set-based statements add the new
 * documents, rewrite the changed ones and cancel those the file marks cancelled.
 *
 * - Atomic: any bad row and nothing is written (400 naming row, column and reason for every bad
 *   row, up to MAX_REPORTED). `dryRun` checks everything and writes nothing.
 * - Idempotent: a row is the issuer's document (type, number). Imported before with the same
 *   content: unchanged; with changed content: rewritten; the same file twice adds nothing.
 * - New records are shared with every full member, TLP GREEN; a changed record keeps its sharing.
 */

export const IMPORT_COLUMNS = [
  'issuer', 'type', 'number', 'status', 'state', 'reported_on', 'lost_on', 'issued_on', 'expires_on', 'place', 'remarks',
  'holder_surname', 'holder_given_names', 'holder_nationality', 'holder_birth_date', 'holder_sex',
] as const;
const REQUIRED = ['type', 'number', 'status'] as const;
const BATCH = 5000;
export const MAX_REPORTED = 10_000;

interface StagedRow {
  row: number;
  type: DocumentType;
  number: string;
  status: DocumentStatus;
  state: 'active' | 'cancelled';
  reported_on: string | null;
  lost_on: string | null;
  issued_on: string | null;
  expires_on: string | null;
  place: string | null;
  remarks: string | null;
  /** The holder details checked, sealed before the row is staged (holders.ts): no plain holder reaches the database. */
  holder: Holder | null;
}

/** A row as staged: the holder sealed (bytea in its hex form, `\x…`), with its digest. */
interface StagedOut extends Omit<StagedRow, 'holder'> {
  holder_sealed: string | null;
  holder_digest: string | null;
}

const STAGED_COLUMNS: readonly (readonly [keyof StagedOut, string])[] = [
  ['row', 'int'], ['type', 'text'], ['number', 'text'], ['status', 'text'], ['state', 'text'], ['reported_on', 'date'], ['lost_on', 'date'],
  ['issued_on', 'date'], ['expires_on', 'date'], ['place', 'text'], ['remarks', 'text'], ['holder_sealed', 'bytea'], ['holder_digest', 'text'],
];

/** The content columns compared to tell a changed record from an unchanged one (the holder by its digest: sealed values differ every time). */
const CONTENT = ['status', 'reported_on', 'lost_on', 'issued_on', 'expires_on', 'place', 'remarks', 'holder_digest'] as const;
/** The columns an import writes: the content and the sealed holder. */
const WRITTEN = [...CONTENT, 'holder_sealed'] as const;

const STATUS_ALIASES: Record<string, DocumentStatus> = { 'stolen blank': 'stolen-blank', stolen_blank: 'stolen-blank', 'forged specimen': 'forged' };
const TYPE_ALIASES: Record<string, DocumentType> = { p: 'passport', pp: 'passport', id: 'identity-card', i: 'identity-card', v: 'visa', 'identity card': 'identity-card' };
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function day(value: string, column: string, row: number, errors: ImportRowError[]): string | null {
  const text = value.trim();
  if (text === '') return null;
  const match = DAY.exec(text);
  const parsed = match ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!match || !parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
    errors.push({ row, column, message: `"${text}" is not a date (YYYY-MM-DD)` });
    return null;
  }
  if (text > new Date().toISOString().slice(0, 10) && column !== 'expires_on') errors.push({ row, column, message: `${text} is in the future` });
  return text;
}

const cell = (cells: Record<string, string>, column: string): string => (cells[column] ?? '').trim();
const optional = (text: string, max: number, column: string, row: number, errors: ImportRowError[]): string | null => {
  if (text === '') return null;
  if (text.length > max) errors.push({ row, column, message: `longer than ${max} characters` });
  return text;
};

/** One CSV row checked and normalised, or its errors. */
export function checkRow(issuer: string, { row, cells, extraCells }: CsvStreamRow): { staged?: StagedRow; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  if (extraCells > 0) errors.push({ row, column: 'row', message: `has ${extraCells} cell(s) beyond the last column of the header; is a delimiter or a quote misplaced?` });
  const rowIssuer = cell(cells, 'issuer');
  if (rowIssuer !== '') {
    let code: string | undefined;
    try {
      code = normaliseIssuer(rowIssuer);
    } catch {
      errors.push({ row, column: 'issuer', message: `unknown issuer "${rowIssuer}": not an ICAO issuing code` });
    }
    if (code !== undefined && code !== issuer) errors.push({ row, column: 'issuer', message: `${code} is not your member's issuing code (${issuer}); only the issuer imports its documents` });
  }
  const typeText = cell(cells, 'type').toLowerCase();
  const type = TYPE_ALIASES[typeText] ?? typeText;
  if (typeText === '') errors.push({ row, column: 'type', message: 'is required' });
  else if (!isDocumentType(type)) errors.push({ row, column: 'type', message: `unknown document type "${cell(cells, 'type')}"` });
  let number = '';
  const rawNumber = cell(cells, 'number');
  if (rawNumber === '') errors.push({ row, column: 'number', message: 'is required' });
  else {
    try {
      number = normaliseDocumentNumber(rawNumber);
    } catch (error) {
      errors.push({ row, column: 'number', message: `bad number "${rawNumber}": ${error instanceof Error ? error.message : 'not a document number'}` });
    }
  }
  const statusText = cell(cells, 'status').toLowerCase();
  const status = STATUS_ALIASES[statusText] ?? statusText;
  if (statusText === '') errors.push({ row, column: 'status', message: 'is required' });
  else if (!(DOCUMENT_STATUSES as readonly string[]).includes(status)) errors.push({ row, column: 'status', message: `unknown status "${cell(cells, 'status')}" (${DOCUMENT_STATUSES.join(', ')})` });
  const stateText = cell(cells, 'state').toLowerCase() || 'active';
  if (stateText !== 'active' && stateText !== 'cancelled') errors.push({ row, column: 'state', message: `unknown state "${cell(cells, 'state')}" (active or cancelled)` });
  const nationality = cell(cells, 'holder_nationality').toUpperCase();
  if (nationality !== '' && !isIcaoIssuer(nationality)) errors.push({ row, column: 'holder_nationality', message: `unknown nationality code "${nationality}"` });
  const sex = cell(cells, 'holder_sex').toUpperCase();
  if (sex !== '' && sex !== 'F' && sex !== 'M' && sex !== 'X') errors.push({ row, column: 'holder_sex', message: `"${sex}" is not F, M or X` });
  const staged: StagedRow = {
    row,
    type: type as DocumentType,
    number,
    status: status as DocumentStatus,
    state: stateText as 'active' | 'cancelled',
    reported_on: day(cell(cells, 'reported_on'), 'reported_on', row, errors),
    lost_on: day(cell(cells, 'lost_on'), 'lost_on', row, errors),
    issued_on: day(cell(cells, 'issued_on'), 'issued_on', row, errors),
    expires_on: day(cell(cells, 'expires_on'), 'expires_on', row, errors),
    place: optional(cell(cells, 'place'), 200, 'place', row, errors),
    remarks: optional(cell(cells, 'remarks'), 2000, 'remarks', row, errors),
    holder: holderOf({
      surname: optional(cell(cells, 'holder_surname'), 200, 'holder_surname', row, errors),
      givenNames: optional(cell(cells, 'holder_given_names'), 200, 'holder_given_names', row, errors),
      nationality: nationality || null,
      birthDate: day(cell(cells, 'holder_birth_date'), 'holder_birth_date', row, errors),
      sex: sex || null,
    }),
  };
  if (staged.issued_on && staged.expires_on && staged.expires_on < staged.issued_on) errors.push({ row, column: 'expires_on', message: 'is before issued_on' });
  return errors.length > 0 ? { errors } : { staged, errors };
}

/** An element of a PostgreSQL array literal: NULL, or the text quoted with backslash escapes. */
const element = (value: string | number | null): string => (value === null ? 'NULL' : typeof value === 'number' ? String(value) : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/** A value in COPY's text format: \N for NULL, backslash, tab and line breaks escaped. */
const copyValue = (value: string | number | null): string =>
  value === null ? '\\N' : typeof value === 'number' ? String(value) : value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** A bytea in hex input form. */
const hexBytes = (bytes: Buffer | null): string | null => (bytes ? `\\x${bytes.toString('hex')}` : null);

/** A checked row with its holder sealed, as the staging table takes it. */
function stagedOut(issuer: string, sealer: HolderSealer, { holder, ...row }: StagedRow): StagedOut {
  const stored = sealer.seal({ issuer, type: row.type, number: row.number }, holder);
  return { ...row, holder_sealed: hexBytes(stored.sealed), holder_digest: stored.digest };
}

async function* copyLines(rows: AsyncIterable<StagedOut>): AsyncGenerator<string> {
  let chunk = '';
  let count = 0;
  for await (const row of rows) {
    chunk += `${STAGED_COLUMNS.map(([name]) => copyValue(row[name])).join('\t')}\n`;
    if (++count >= 1000) {
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  if (chunk) yield chunk;
}

async function stageBatch(tx: Tx, rows: readonly StagedOut[]): Promise<void> {
  if (rows.length === 0) return;
  const arrays = STAGED_COLUMNS.map(([name, type]) => sql`${`{${rows.map((row) => element(row[name])).join(',')}}`}::${sql.raw(type)}[]`);
  await tx.query(sql`INSERT INTO documents_import (${sql.raw(STAGED_COLUMNS.map(([name]) => name).join(', '))})
    SELECT * FROM unnest(${sql.join(arrays)})`);
}

export interface ImportSource {
  name: string;
  stream: Readable | AsyncIterable<Buffer>;
}

export async function importDocuments(ctx: Ctx, source: ImportSource, options: { dryRun?: boolean | undefined }, changes: IndexChanges): Promise<ImportResult> {
  const issuer = ownIssuer(ctx);
  const csv = await readCsvStream(source.stream, { columns: IMPORT_COLUMNS, required: REQUIRED });
  await ctx.tx.query(sql`CREATE TEMPORARY TABLE documents_import (
      row int NOT NULL, type text NOT NULL, number text NOT NULL, status text NOT NULL, state text NOT NULL, reported_on date, lost_on date,
      issued_on date, expires_on date, place text, remarks text, holder_sealed bytea, holder_digest text) ON COMMIT DROP`);
  // The member's holder key, made in this transaction when it has none: every row is sealed with it.
  const sealer = await holderSealer(ctx.platform, ctx.tx, ctx.actor.member);
  const errors: ImportRowError[] = [];
  let rejectedRows = 0;
  let rows = 0;
  const cancelledKeys: string[] = [];
  // Every row is checked as it arrives; the good ones go on to the staging table.
  async function* staged(): AsyncGenerator<StagedOut> {
    for await (const raw of csv.rows) {
      rows++;
      const checked = checkRow(issuer, raw);
      if (checked.staged) {
        yield stagedOut(issuer, sealer, checked.staged);
        continue;
      }
      rejectedRows++;
      for (const error of checked.errors) if (errors.length < MAX_REPORTED) errors.push(error);
    }
  }
  const copyFrom = ctx.tx.copyFrom?.bind(ctx.tx);
  if (copyFrom) {
    // PostgreSQL: one COPY stream, in chunks of lines.
    await copyFrom(`COPY documents_import (${STAGED_COLUMNS.map(([name]) => name).join(', ')}) FROM STDIN`, copyLines(staged()));
  } else {
    let batch: StagedOut[] = [];
    for await (const row of staged()) {
      batch.push(row);
      if (batch.length >= BATCH) {
        await stageBatch(ctx.tx, batch);
        batch = [];
      }
    }
    await stageBatch(ctx.tx, batch);
  }

  // The same document twice in the file: every later row is an error naming the first.
  const duplicates = await ctx.tx.query<{ row: number; first: number }>(sql`
    SELECT row, first FROM (SELECT row, min(row) OVER (PARTITION BY type, number) AS first FROM documents_import) d
    WHERE row <> first ORDER BY row LIMIT ${MAX_REPORTED}`);
  for (const duplicate of duplicates) {
    if (errors.length < MAX_REPORTED) errors.push({ row: duplicate.row, column: 'number', message: `the same document is also on row ${duplicate.first}` });
  }
  rejectedRows += duplicates.length;
  errors.sort((a, b) => a.row - b.row);

  const counts = await ctx.tx.one<{ added: number; changed: number; unchanged: number; cancelled: number }>(sql`
    SELECT count(*) FILTER (WHERE s.state = 'active' AND d.id IS NULL)::int AS added,
      count(*) FILTER (WHERE s.state = 'active' AND d.id IS NOT NULL AND (${contentOf('d')}) IS DISTINCT FROM (${contentOf('s')}))::int AS changed,
      count(*) FILTER (WHERE (s.state = 'active' AND d.id IS NOT NULL AND (${contentOf('d')}) IS NOT DISTINCT FROM (${contentOf('s')}))
                         OR (s.state = 'cancelled' AND d.id IS NULL))::int AS unchanged,
      count(*) FILTER (WHERE s.state = 'cancelled' AND d.id IS NOT NULL)::int AS cancelled
    FROM documents_import s
    LEFT JOIN travel_documents d ON d.issuer = ${issuer} AND d.doc_type = s.type AND d.number = s.number AND d.state = 'active'`);
  const result: ImportResult = {
    dryRun: options.dryRun ?? false,
    rows,
    ...counts,
    rejected: rejectedRows,
    errors,
    encoding: csv.encoding,
    delimiter: csv.delimiter,
  };
  if (options.dryRun) return result;
  if (rejectedRows > 0) {
    throw new Problem(
      400,
      'Import refused',
      `${rejectedRows} of ${rows} rows have errors, so nothing was imported${errors.length >= MAX_REPORTED ? ` (the first ${MAX_REPORTED} errors are listed)` : ''}. Correct them and import the file again.`,
      errors.map((error) => ({ pointer: `/rows/${error.row}/${error.column}`, detail: error.message })),
      { rejected: rejectedRows, rows },
    );
  }

  // A row without reported_on keeps the record's date.
  const content = WRITTEN.map((column) => sql.raw(column === 'reported_on' ? 'reported_on = coalesce(s.reported_on, d.reported_on)' : `${column} = s.${column}`));
  await ctx.tx.query(sql`
    UPDATE travel_documents d SET ${sql.join(content)}
    FROM documents_import s
    WHERE d.issuer = ${issuer} AND d.doc_type = s.type AND d.number = s.number AND d.state = 'active' AND s.state = 'active'
      AND (${contentOf('d')}) IS DISTINCT FROM (${contentOf('s')})`);
  const cancelled = await ctx.tx.query<{ doc_type: DocumentType; number: string }>(sql`
    UPDATE travel_documents d SET state = 'cancelled', cancelled_at = now(), cancel_reason = 'cancelled by import'
    FROM documents_import s
    WHERE d.issuer = ${issuer} AND d.doc_type = s.type AND d.number = s.number AND d.state = 'active' AND s.state = 'cancelled'
    RETURNING d.doc_type, d.number`);
  for (const row of cancelled) cancelledKeys.push(documentKey(issuer, row.doc_type, row.number));
  const sharing = sharingValues(DEFAULT_SHARING);
  await ctx.tx.query(sql`
    INSERT INTO travel_documents (issuer, doc_type, number, status, reported_on, lost_on, issued_on, expires_on, place, remarks,
      holder_sealed, holder_digest, created_by, owner, audience_kind, tlp)
    SELECT ${issuer}, s.type, s.number, s.status, coalesce(s.reported_on, current_date), s.lost_on, s.issued_on, s.expires_on, s.place, s.remarks,
      s.holder_sealed, s.holder_digest, ${ctx.actor.userId || null}::uuid, ${ctx.actor.member},
      ${sharing.audience_kind}, ${sharing.tlp}
    FROM documents_import s
    WHERE s.state = 'active'
      AND NOT EXISTS (SELECT 1 FROM travel_documents d WHERE d.issuer = ${issuer} AND d.doc_type = s.type AND d.number = s.number AND d.state = 'active')
    -- In key order, the register's indexes grow in order rather than at random places (millions of rows).
    ORDER BY s.type, s.number`);
  await addImportedKeys(ctx, issuer, { owner: ctx.actor.member, ...sharing }, changes);
  for (const key of cancelledKeys) changes.remove(key);
  await ctx.audit({
    action: 'documents.import',
    objectType: 'travel-document',
    objectOwner: ctx.actor.member,
    details: { fileName: source.name, rows, added: counts.added, changed: counts.changed, unchanged: counts.unchanged, cancelled: counts.cancelled, bytes: csv.bytes() },
  });
  return result;
}

/**
 * Every imported active key into the process's index, read back through a cursor (one pass over the
 * staging table): new ones with the import's audience, those already there with their own (an import
 * rewrites a record's content, never its sharing).
 */
async function addImportedKeys(ctx: Ctx, issuer: string, audience: Audience, changes: IndexChanges): Promise<void> {
  if (!changes.tracksAdditions) return;
  await ctx.tx.query(sql`DECLARE imported_keys NO SCROLL CURSOR FOR SELECT type, number FROM documents_import WHERE state = 'active'`);
  for (;;) {
    const rows = await ctx.tx.query<{ type: DocumentType; number: string }>(sql`FETCH 50000 FROM imported_keys`);
    for (const row of rows) changes.add(documentKey(issuer, row.type, row.number), audience, true);
    if (rows.length < 50000) break;
  }
  await ctx.tx.query(sql`CLOSE imported_keys`);
}

/** The content columns of an alias, for IS [NOT] DISTINCT FROM comparisons. */
function contentOf(alias: 'd' | 's') {
  return sql.raw(CONTENT.map((column) => (alias === 's' && column === 'reported_on' ? `coalesce(s.reported_on, d.reported_on)` : `${alias}.${column}`)).join(', '));
}

/** Bulk cancellation from a CSV of numbers (columns type and number; issuer optional, as in imports). */
export async function readCancelList(issuer: string, stream: Readable | AsyncIterable<Buffer>): Promise<{ documents: { type: DocumentType; number: string }[]; errors: ImportRowError[] }> {
  const csv = await readCsvStream(stream, { columns: ['issuer', 'type', 'number'], required: ['type', 'number'] });
  const documents: { type: DocumentType; number: string }[] = [];
  const errors: ImportRowError[] = [];
  for await (const { row, cells, extraCells } of csv.rows) {
    const checked = checkRow(issuer, { row, cells: { ...cells, status: 'lost' }, extraCells });
    if (checked.staged) documents.push({ type: checked.staged.type, number: checked.staged.number });
    else errors.push(...checked.errors);
  }
  return { documents, errors };
}
