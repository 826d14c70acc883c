import type { ImportMapping, MappingPreview, MappingTargetColumn } from './api.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';

/**
 * The mapping editor of a file of one's own: each header to a template column (or ignored), and for
 * columns mapped to a code-list field, each of their values to a code. The state is kept as the page
 * edits it (`MappingDraft`) and turned into the API's mapping by `toMapping`.
 */

export interface MappingDraft {
  /** Header → target column. */
  columns: Record<string, MappingTargetColumn>;
  /** "field\u0000value" (value as written) → code; '' when not mapped. */
  values: Record<string, string>;
  dateOrder: '' | 'day-first' | 'month-first';
}

const valueKey = (field: string, value: string): string => `${field}\u0000${value.trim().toLowerCase()}`;
const normalise = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The draft a mapping (suggested or saved) gives for this file's header. */
export function draftOfMapping(preview: MappingPreview, mapping: ImportMapping): MappingDraft {
  const byName = new Map(mapping.columns.map((column) => [normalise(column.source), column.target]));
  const columns: Record<string, MappingTargetColumn> = {};
  for (const header of preview.header) columns[header] = byName.get(normalise(header)) ?? 'ignore';
  const values: Record<string, string> = {};
  for (const value of mapping.values ?? []) values[valueKey(value.field, value.source)] = value.code;
  return { columns, values, dateOrder: mapping.dateOrder ?? '' };
}

/** A column's distinct values as its target reads them (a list field: each item on its own). */
function valuesOf(preview: MappingPreview, source: string, list: boolean): string[] {
  const raw = preview.distinct.find((column) => column.source === source)?.values ?? [];
  const items = list ? raw.flatMap((text) => text.split(';').map((item) => item.trim()).filter(Boolean)) : raw;
  const seen = new Map<string, string>();
  for (const item of items) if (!seen.has(item.toLowerCase())) seen.set(item.toLowerCase(), item);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/** The API's mapping of the draft: every header, and the value table of the code-list columns' values that have a code. */
export function toMapping(preview: MappingPreview, draft: MappingDraft): Omit<ImportMapping, 'sharing'> {
  const values: NonNullable<ImportMapping['values']> = [];
  for (const header of preview.header) {
    const target = preview.targets.find((candidate) => candidate.column === draft.columns[header]);
    if (!target || target.codes.length === 0) continue;
    for (const value of valuesOf(preview, header, target.list)) {
      const code = draft.values[valueKey(target.column, value)];
      if (code && !values.some((item) => item.field === target.column && item.source.toLowerCase() === value.toLowerCase())) {
        values.push({ field: target.column, source: value, code });
      }
    }
  }
  return {
    columns: preview.header.map((source) => ({ source, target: draft.columns[source] ?? 'ignore' })),
    ...(values.length > 0 ? { values } : {}),
    ...(draft.dateOrder ? { dateOrder: draft.dateOrder } : {}),
  };
}

/** Why a column was suggested (none: it was not). */
const HOW: Readonly<Record<MappingPreview['matches'][number]['how'], MessageId | null>> = {
  name: msg('reports.mapping.how.name'),
  synonym: msg('reports.mapping.how.synonym'),
  similar: msg('reports.mapping.how.similar'),
  none: null,
};

interface Props {
  preview: MappingPreview;
  draft: MappingDraft;
  onChange: (draft: MappingDraft) => void;
}

export function MappingEditor({ preview, draft, onChange }: Props) {
  const t = useT();
  const setColumn = (source: string, target: MappingTargetColumn): void => onChange({ ...draft, columns: { ...draft.columns, [source]: target } });
  const setValue = (field: string, value: string, code: string): void => onChange({ ...draft, values: { ...draft.values, [valueKey(field, value)]: code } });
  const taken = new Map<string, number>();
  for (const target of Object.values(draft.columns)) if (target !== 'ignore') taken.set(target, (taken.get(target) ?? 0) + 1);
  const codeColumns = preview.header.flatMap((source) => {
    const target = preview.targets.find((candidate) => candidate.column === draft.columns[source]);
    return target && target.codes.length > 0 ? [{ source, target }] : [];
  });
  const usesDates = Object.values(draft.columns).some((target) => target === 'date_from' || target === 'date_to');

  return (
    <>
      <fieldset className="fieldset">
        <legend>{t('reports.mapping.columns')}</legend>
        <p className="hint">{t('reports.mapping.columnsHint')}</p>
        <div className="table-wrap" role="region" aria-label={t('reports.mapping.columnsLabel')} tabIndex={0}>
          <table className="mapping-table">
            <thead>
              <tr>
                <th scope="col">{t('reports.mapping.yourColumn')}</th>
                <th scope="col">{t('reports.mapping.firstValue')}</th>
                <th scope="col">{t('reports.mapping.field')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.header.map((source, index) => {
                const target = draft.columns[source] ?? 'ignore';
                const how = HOW[preview.matches[index]?.how ?? 'none'];
                const twice = target !== 'ignore' && (taken.get(target) ?? 0) > 1;
                const id = `map-column-${index}`;
                return (
                  <tr key={source}>
                    <th scope="row" translate="no">{source}</th>
                    <td className="cell-value" translate="no">{preview.rows[0]?.[index] ?? ''}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={id}>
                        {t('reports.mapping.fieldFor', { name: source })}
                      </label>
                      <select id={id} value={target} aria-invalid={twice || undefined} aria-describedby={twice ? `${id}-error` : undefined} onChange={(event) => setColumn(source, event.target.value)}>
                        <option value="ignore">{t('reports.mapping.leaveOut')}</option>
                        {/* The template's column names are codes: data. */}
                        {preview.targets.map((option) => (
                          <option key={option.column} value={option.column} translate="no">
                            {option.required ? t('reports.mapping.required', { name: option.column }) : option.column}
                          </option>
                        ))}
                      </select>
                      {how && target !== 'ignore' ? <span className="hint"> {t('reports.mapping.suggested', { type: t(how) })}</span> : null}
                      {twice ? (
                        <p className="field-error" id={`${id}-error`}>
                          {t.rich('reports.mapping.twice', { name: <code>{target}</code> })}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>

      {usesDates ? (
        <div className="field">
          <label htmlFor="date-order">{t('reports.mapping.dateOrder')}</label>
          <p className="hint" id="date-order-hint">
            {t('reports.mapping.dateOrderHint')}
          </p>
          <select id="date-order" aria-describedby="date-order-hint" value={draft.dateOrder} onChange={(event) => onChange({ ...draft, dateOrder: event.target.value as MappingDraft['dateOrder'] })}>
            <option value="">{t('reports.mapping.dateOrderNone')}</option>
            <option value="day-first">{t('reports.mapping.dayFirst')}</option>
            <option value="month-first">{t('reports.mapping.monthFirst')}</option>
          </select>
        </div>
      ) : null}

      {codeColumns.map(({ source, target }) => {
        const values = valuesOf(preview, source, target.list);
        return (
          <fieldset key={source} className="fieldset">
            <legend>
              {t.rich('reports.mapping.values', { name: <span translate="no">{source}</span>, type: <code>{target.column}</code> })}
            </legend>
            <p className="hint">{t('reports.mapping.valuesHint')}</p>
            {values.length === 0 ? <p>{t('reports.mapping.noValues')}</p> : null}
            <ul className="plain-list value-map">
              {values.map((value, index) => {
                const isCode = target.codes.some((code) => code.toLowerCase() === value.toLowerCase());
                const id = `map-value-${source}-${index}`.replace(/[^A-Za-z0-9_-]/g, '-');
                return (
                  <li key={value}>
                    <label htmlFor={id}>
                      {isCode ? t.rich('reports.mapping.valueIsCode', { name: <span translate="no">{value}</span> }) : t.rich('reports.mapping.value', { name: <span translate="no">{value}</span> })}
                    </label>
                    <select id={id} value={draft.values[valueKey(target.column, value)] ?? ''} onChange={(event) => setValue(target.column, value, event.target.value)}>
                      <option value="">{isCode ? t('reports.mapping.asWritten') : t('reports.mapping.noCode')}</option>
                      {target.codes.map((code) => (
                        <option key={code} value={code} translate="no">
                          {code}
                        </option>
                      ))}
                    </select>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        );
      })}
    </>
  );
}
