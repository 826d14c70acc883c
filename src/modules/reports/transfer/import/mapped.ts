import { createHash } from 'node:crypto';
import type { FieldError } from '../../../../platform/errors.js';
import { HANDLING_CODES, TLP_LEVELS } from '../../../../platform/sharing/model.js';
import {
  DOCUMENT_USE, FEE_BASES, FEE_COVERS, INCIDENT_TYPES, METHODS, PAYMENT_METHODS, PLACE_KINDS, SMUGGLER_ROLES, VULNERABILITIES,
} from '../../codes.js';
import { CellError, readDateAs } from './cells.js';
import type { DateCell, ImportFormat, RowError } from './format.js';
import type { ImportMapping } from './mapping-schemas.js';
import { lintasTemplate, TEMPLATE_COLUMNS } from './template.js';

/**
 * The mapped import format: a member's own spreadsheet, each of its headers mapped to a template
 * column (or ignored). A row is turned into the template's cells (values of code-list fields through
 * the mapping's value table, numbers-only dates through its day/month order) and then read by the
 * template's own readers, so a mapped row is checked exactly as a template row is. Errors name the
 * file's own headers.
 */

/** The template columns whose values come from a code list, with the list; `list`: several values separated by ";". */
export const CODE_FIELDS: Readonly<Record<string, { codes: readonly string[]; list: boolean }>> = {
  incident_type: { codes: INCIDENT_TYPES.codes, list: false },
  place_kind: { codes: PLACE_KINDS.codes, list: false },
  vulnerabilities: { codes: VULNERABILITIES.codes, list: true },
  fee_basis: { codes: FEE_BASES.codes, list: false },
  fee_payment_methods: { codes: PAYMENT_METHODS.codes, list: true },
  fee_covers: { codes: FEE_COVERS.codes, list: true },
  smuggler_roles: { codes: SMUGGLER_ROLES.codes, list: true },
  methods: { codes: METHODS.codes, list: true },
  document_kinds: { codes: DOCUMENT_USE.codes, list: true },
  tlp: { codes: TLP_LEVELS, list: false },
  handling: { codes: HANDLING_CODES, list: true },
};

/** Other template columns that hold lists (of country codes). */
const LIST_COLUMNS = new Set(['smuggler_citizenships', 'document_issuers']);

/** Every template column as a mapping target, for the page. */
export function mappingTargets(): { column: string; description: string; required: boolean; list: boolean; codes: string[] }[] {
  return TEMPLATE_COLUMNS.map((c) => ({
    column: c.column,
    description: c.description,
    required: c.required,
    list: (CODE_FIELDS[c.column]?.list ?? false) || LIST_COLUMNS.has(c.column),
    codes: [...(CODE_FIELDS[c.column]?.codes ?? [])],
  }));
}

/** A header or value as compared: trimmed, inner spaces single, lower case. */
export const normaliseName = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** What is wrong with a mapping by itself (pointers under `prefix`): a target filled twice, a value mapped to no code of its field. */
export function mappingErrors(mapping: ImportMapping, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const sources = new Map<string, number>();
  const targets = new Map<string, number>();
  mapping.columns.forEach((column, index) => {
    const source = normaliseName(column.source);
    const before = sources.get(source);
    if (before !== undefined) errors.push({ pointer: `${prefix}/columns/${index}/source`, detail: `"${column.source}" is mapped already (columns/${before})` });
    sources.set(source, index);
    if (column.target === 'ignore') return;
    const earlier = targets.get(column.target);
    if (earlier !== undefined) errors.push({ pointer: `${prefix}/columns/${index}/target`, detail: `${column.target} is filled by columns/${earlier} already; a field takes one column` });
    targets.set(column.target, index);
  });
  const values = new Set<string>();
  (mapping.values ?? []).forEach((value, index) => {
    const field = CODE_FIELDS[value.field];
    if (!field) {
      errors.push({ pointer: `${prefix}/values/${index}/field`, detail: `${value.field} has no code list; its values are read as they are` });
      return;
    }
    if (!field.codes.includes(value.code)) {
      errors.push({ pointer: `${prefix}/values/${index}/code`, detail: `"${value.code}" is not a code of ${value.field}; use one of ${field.codes.join(', ')}` });
    }
    const key = `${value.field}\u0000${normaliseName(value.source)}`;
    if (values.has(key)) errors.push({ pointer: `${prefix}/values/${index}/source`, detail: `"${value.source}" of ${value.field} is mapped twice` });
    values.add(key);
  });
  return errors;
}

/**
 * The mapping with its sources named as the file's header names them, or the errors for headers the
 * file does not have. Headers of the file the mapping does not name are ignored.
 */
export function bindMapping(mapping: ImportMapping, header: readonly string[], prefix: string): { mapping: ImportMapping; errors: FieldError[] } {
  const byName = new Map(header.map((name) => [normaliseName(name), name]));
  const errors: FieldError[] = [];
  const columns = mapping.columns.flatMap((column, index) => {
    const name = byName.get(normaliseName(column.source));
    if (name !== undefined) return [{ ...column, source: name }];
    if (column.target !== 'ignore') errors.push({ pointer: `${prefix}/columns/${index}/source`, detail: `the file has no column "${column.source}"` });
    return [];
  });
  return { mapping: { ...mapping, columns }, errors };
}

/** One cell of a code-list field through the value table: every value a code (case aside) or mapped; otherwise the error names it. */
function codesOf(field: string, text: string, table: ReadonlyMap<string, string> | undefined): string {
  const list = CODE_FIELDS[field];
  if (!list) return text;
  const items = list.list ? text.split(';').map((item) => item.trim()).filter((item) => item !== '') : [text.trim()];
  return items
    .map((item) => {
      const mapped = table?.get(normaliseName(item));
      if (mapped !== undefined) return mapped;
      const code = list.codes.find((candidate) => candidate.toLowerCase() === item.toLowerCase());
      if (code !== undefined) return code;
      throw new CellError(`"${item.slice(0, 80)}" is not a code of ${field} and the mapping gives it none; map it to one of ${list.codes.join(', ')}`);
    })
    .join(';');
}

/** The import format of a mapping already bound to the file's header (`bindMapping`). */
export function mappedFormat(mapping: ImportMapping): ImportFormat {
  const sourceOf = new Map<string, string>();
  for (const column of mapping.columns) if (column.target !== 'ignore') sourceOf.set(column.target, column.source);
  const tables = new Map<string, Map<string, string>>();
  for (const value of mapping.values ?? []) {
    const table = tables.get(value.field) ?? new Map<string, string>();
    table.set(normaliseName(value.source), value.code);
    tables.set(value.field, table);
  }
  const keyColumn = sourceOf.get('external_id');
  const sources = [...sourceOf.values()];
  const named = (column: string): string => sourceOf.get(column) ?? column;

  const mapRow: ImportFormat['mapRow'] = (cells, defaults) => {
    const template: Record<string, string> = {};
    const errors: RowError[] = [];
    const dates: DateCell[] = [];
    for (const [target, source] of sourceOf) {
      const text = cells[source] ?? '';
      if (text.trim() === '') continue;
      try {
        if (target === 'date_from' || target === 'date_to') {
          const read = readDateAs(text, mapping.dateOrder);
          template[target] = read?.date ?? '';
          if (read) dates.push({ column: source, format: read.format });
        } else template[target] = codesOf(target, text, tables.get(target));
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        errors.push({ column: source, message: error.message });
      }
    }
    // Without an identifier column a row is known by its content: the same row imported again is unchanged.
    if (keyColumn === undefined) template.external_id = `row-${createHash('sha256').update(JSON.stringify(sources.map((source) => cells[source] ?? ''))).digest('hex').slice(0, 32)}`;
    const { dates: _iso, ...mapped } = lintasTemplate.mapRow(template, { sharing: defaults.sharing ?? mapping.sharing });
    const all = [...errors, ...('errors' in mapped ? mapped.errors.filter((error) => !errors.some((own) => own.column === named(error.column))).map((error) => ({ ...error, column: named(error.column) })) : [])];
    if (all.length > 0) return { errors: all, dates };
    return { ...mapped, dates, ...(keyColumn === undefined ? { keyFrom: 'cells in every mapped column' } : {}) };
  };

  return {
    name: 'mapped',
    source: 'mapped',
    columns: keyColumn === undefined ? ['row', ...sources] : [keyColumn, ...sources.filter((source) => source !== keyColumn)],
    required: sources,
    rejectUnknownColumns: false,
    mapRow,
    columnOf: (pointer, cells) => named(lintasTemplate.columnOf(pointer, cells)),
    keyColumn: () => keyColumn ?? 'row',
  };
}
