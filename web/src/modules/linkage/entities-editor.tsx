import { useEffect, useId, useMemo, useState } from 'react';
import { api, ApiError, type FieldError } from '../../api.js';
import { Field } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { KeyText } from './parts.js';
import { allCountries } from '../../../../src/platform/geo/countries.js';
import { ENTITY_TYPE_LABEL, ENTITY_TYPES, FIELD_LABEL, FIELDS_OF, NETWORK_NAME, NETWORKS, PLATFORM_NAME, PLATFORMS, type Entity, type EntityField, type EntityTypeCode, type NormalisedKey } from './api.js';

/** An entity as its row in the form holds it: every field as text, and a key React keeps the row by. */
export interface EntityDraft {
  row: number;
  type: EntityTypeCode;
  values: Partial<Record<EntityField, string>>;
}

let rows = 0;
export const newEntityDraft = (type: EntityTypeCode = 'phone'): EntityDraft => ({ row: (rows += 1), type, values: {} });

export function draftOfEntity(entity: Entity): EntityDraft {
  const values: Partial<Record<EntityField, string>> = {};
  const [required, optional] = FIELDS_OF[entity.type];
  for (const field of [...required, ...optional]) {
    const value = entity[field];
    if (value !== undefined && value !== null) values[field] = String(value);
  }
  return { ...newEntityDraft(entity.type), values };
}

/** The API's entity: the fields its type takes, trimmed, blanks left out (the server names a missing one). */
export function entityOf(draft: EntityDraft): Entity {
  const entity: Entity = { type: draft.type };
  const [required, optional] = FIELDS_OF[draft.type];
  for (const field of [...required, ...optional]) {
    const text = draft.values[field]?.trim();
    if (!text) continue;
    // A year that is not a number goes as typed, so the server names it at its field.
    if (field === 'birthYear') entity.birthYear = /^\d+$/.test(text) ? Number(text) : (text as unknown as number);
    else entity[field] = text;
  }
  return entity;
}

const isBlank = (draft: EntityDraft): boolean => Object.values(draft.values).every((value) => !value?.trim());

/** What the server makes of a row as it is typed: its keys, or its field errors; nothing is looked up. */
interface Normalised {
  keys: NormalisedKey[];
  errors: FieldError[];
}

/** Asks POST /linkage/normalise a moment after the typing stops; a later answer wins over an earlier one. */
function useNormalised(entity: Entity | null, country: string): { result: Normalised | null; busy: boolean } {
  const [result, setResult] = useState<Normalised | null>(null);
  const [busy, setBusy] = useState(false);
  const body = entity ? JSON.stringify({ entity, ...(country ? { country } : {}) }) : null;
  useEffect(() => {
    if (body === null) {
      setResult(null);
      setBusy(false);
      return undefined;
    }
    let current = true;
    setBusy(true);
    const timer = setTimeout(() => {
      api.post<{ data: { keys: NormalisedKey[] } }>('/linkage/normalise', JSON.parse(body) as unknown).then(
        (answer) => {
          if (!current) return;
          setResult({ keys: answer.data.keys, errors: [] });
          setBusy(false);
        },
        (reason: unknown) => {
          if (!current) return;
          setResult(reason instanceof ApiError && reason.errors.length > 0 ? { keys: [], errors: reason.errors } : null);
          setBusy(false);
        },
      );
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [body]);
  return { result, busy };
}

interface Props {
  value: EntityDraft[];
  onChange: (drafts: EntityDraft[]) => void;
  /** The lead's country: national numbers and plates are read in it. */
  country: string;
  /** The submit's error, whose pointers under `pointer` are shown beside their rows. */
  error: ApiError | undefined;
  pointer?: string;
}

/** The entities of a record: each row a kind and its fields, with the key it will be matched on shown as it is typed. */
export function EntitiesEditor({ value, onChange, country, error, pointer = '/entities' }: Props) {
  const t = useT();
  const set = (index: number, draft: EntityDraft): void => onChange(value.map((item, i) => (i === index ? draft : item)));
  return (
    <fieldset className="fieldset entities">
      <legend>{t('linkage.entities.legend')}</legend>
      <p className="hint">{t('linkage.entities.hint')}</p>
      {value.length === 0 ? <p className="muted">{t('linkage.entities.none')}</p> : null}
      <ol className="entity-rows">
        {value.map((draft, index) => (
          <li key={draft.row}>
            <EntityRow
              index={index}
              draft={draft}
              country={country}
              onChange={(next) => set(index, next)}
              onRemove={() => onChange(value.filter((_, i) => i !== index))}
              fieldError={(field) => error?.fieldError(`${pointer}/${index}/${field}`)}
              rowError={error?.errors.find((item) => item.pointer === `${pointer}/${index}`)?.detail}
            />
          </li>
        ))}
      </ol>
      <button type="button" className="button-secondary" onClick={() => onChange([...value, newEntityDraft(value.at(-1)?.type)])}>
        {t('linkage.entities.add')}
      </button>
    </fieldset>
  );
}

/** The pointers under `pointer` the editor shows beside its rows. */
export const entityPointers = (drafts: readonly EntityDraft[], pointer = '/entities'): string[] => drafts.map((_, index) => `${pointer}/${index}`);

interface RowProps {
  index: number;
  draft: EntityDraft;
  country: string;
  onChange: (draft: EntityDraft) => void;
  onRemove: () => void;
  fieldError: (field: string) => string | undefined;
  rowError: string | undefined;
}

function EntityRow({ index, draft, country, onChange, onRemove, fieldError, rowError }: RowProps) {
  const t = useT();
  const heading = useId();
  const entity = useMemo(() => (isBlank(draft) ? null : entityOf(draft)), [draft]);
  const { result, busy } = useNormalised(entity, country);
  const [required, optional] = FIELDS_OF[draft.type];
  const typed = (field: EntityField): string | undefined => result?.errors.find((item) => item.pointer === `/entity/${field}`)?.detail;
  const shown = new Set([...required, ...optional].map((field) => `/entity/${field}`));
  // Errors of no field the row shows (the type's shape): said below the row.
  const otherErrors = result?.errors.filter((item) => !shown.has(item.pointer)) ?? [];
  const setValue = (field: EntityField, text: string): void => onChange({ ...draft, values: { ...draft.values, [field]: text } });

  return (
    <fieldset className={`entity-row${rowError ? ' field-invalid' : ''}`} aria-labelledby={heading}>
      <div className="entity-row-head">
        <h3 id={heading} className="entity-row-title">
          {t('linkage.entities.row', { n: index + 1 })}
        </h3>
        <button type="button" className="button-link" onClick={onRemove}>
          {t('linkage.entities.remove', { n: index + 1 })}
        </button>
      </div>
      {rowError ? <p className="field-error">{rowError}</p> : null}
      <div className="form-grid">
        <Field label={t('linkage.entities.type')} error={fieldError('type')}>
          {(props) => (
            <select {...props} value={draft.type} onChange={(event) => onChange({ ...draft, type: event.target.value as EntityTypeCode })}>
              {ENTITY_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(ENTITY_TYPE_LABEL[type])}
                </option>
              ))}
            </select>
          )}
        </Field>
        {[...required, ...optional].map((field) => (
          <EntityFieldControl key={field} field={field} optional={optional.includes(field)} value={draft.values[field] ?? ''} onChange={(text) => setValue(field, text)} error={fieldError(field) ?? typed(field)} />
        ))}
      </div>
      <p className="entity-keys" aria-live="polite">
        {busy ? (
          <span className="muted">{t('linkage.entities.normalising')}</span>
        ) : result && result.keys.length > 0 ? (
          <>
            {t('linkage.entities.matchedAs')}{' '}
            {result.keys.map((key) => (
              <KeyText key={`${key.kind} ${key.key}`} item={key} />
            ))}
          </>
        ) : otherErrors.length > 0 ? (
          <span className="field-error" translate="no">
            {otherErrors.map((item) => item.detail).join(' · ')}
          </span>
        ) : null}
      </p>
    </fieldset>
  );
}

const COUNTRIES = allCountries();

function EntityFieldControl({ field, optional, value, onChange, error }: { field: EntityField; optional: boolean; value: string; onChange: (text: string) => void; error: string | undefined }) {
  const t = useT();
  const label = optional ? t('linkage.entities.optional', { label: t(FIELD_LABEL[field]) }) : t(FIELD_LABEL[field]);
  return (
    <Field label={label} error={error}>
      {(props) => {
        if (field === 'platform' || field === 'network') {
          const codes = field === 'platform' ? PLATFORMS : NETWORKS;
          const names = field === 'platform' ? PLATFORM_NAME : NETWORK_NAME;
          return (
            <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
              <option value="">{field === 'network' ? t('linkage.entities.networkFromAddress') : t('linkage.entities.choose')}</option>
              {codes.map((code) =>
                names[code] ? (
                  <option key={code} value={code} translate="no">
                    {names[code]}
                  </option>
                ) : (
                  <option key={code} value={code}>
                    {t('linkage.entities.other')}
                  </option>
                ),
              )}
            </select>
          );
        }
        if (field === 'flag' || field === 'country') {
          return (
            <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
              <option value="">{t('linkage.entities.choose')}</option>
              {COUNTRIES.map((country) => (
                <option key={country.code} value={country.code} translate="no">
                  {country.name}
                </option>
              ))}
            </select>
          );
        }
        if (field === 'birthYear') return <input {...props} inputMode="numeric" maxLength={4} value={value} onChange={(event) => onChange(event.target.value)} />;
        return <input {...props} value={value} spellCheck={false} autoComplete="off" onChange={(event) => onChange(event.target.value)} />;
      }}
    </Field>
  );
}
