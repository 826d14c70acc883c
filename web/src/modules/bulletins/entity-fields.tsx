import { useId } from 'react';
import type { ApiError } from '../../api.js';
import { Field } from '../../components/ui.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { BULLETIN_ENTITY_TYPES, ENTITY_FIELDS_OF, type BulletinEntityType } from '../../../../src/modules/bulletins/codes.js';
import type { BulletinEntity } from './api.js';

/**
 * The phones, handles, travel documents and vessels a bulletin names, as rows the user adds and
 * removes, each with the fields its kind takes (`ENTITY_FIELDS_OF`, the server's own list). The
 * server checks them (schema and normalisers) and answers at `/entities/<row>/<field>`; each error
 * shows at its field.
 */

type EntityField = 'value' | 'platform' | 'issuer' | 'number' | 'imo' | 'mmsi' | 'name' | 'flag';

export interface EntityDraft {
  /** Stable across removals (React's key); not sent. */
  key: number;
  type: BulletinEntityType;
  fields: Partial<Record<EntityField, string>>;
}

/** Each kind's name. */
export const KIND_LABEL: Record<BulletinEntityType, MessageId> = {
  phone: msg('bulletins.entities.kind.phone'),
  handle: msg('bulletins.entities.kind.handle'),
  'travel-document': msg('bulletins.entities.kind.travelDocument'),
  vessel: msg('bulletins.entities.kind.vessel'),
};
const ADD_LABEL: Record<BulletinEntityType, MessageId> = {
  phone: msg('bulletins.entities.addPhone'),
  handle: msg('bulletins.entities.addHandle'),
  'travel-document': msg('bulletins.entities.addTravelDocument'),
  vessel: msg('bulletins.entities.addVessel'),
};
const FIELD_LABEL: Record<EntityField, MessageId> = {
  value: msg('bulletins.entities.field.value'),
  platform: msg('bulletins.entities.field.platform'),
  issuer: msg('bulletins.entities.field.issuer'),
  number: msg('bulletins.entities.field.number'),
  imo: msg('bulletins.entities.field.imo'),
  mmsi: msg('bulletins.entities.field.mmsi'),
  name: msg('bulletins.entities.field.name'),
  flag: msg('bulletins.entities.field.flag'),
};
const HANDLE_LABEL = msg('bulletins.entities.field.handle');
/** Fields holding a state's alpha-3 code: sent in capitals. */
const STATE_FIELDS: readonly EntityField[] = ['issuer', 'flag'];

const fieldsOf = (type: BulletinEntityType): EntityField[] => [...ENTITY_FIELDS_OF[type][0], ...ENTITY_FIELDS_OF[type][1]] as EntityField[];

/** An entity as the bulletin's page shows it: its own values (data), in the order a reader names them. */
export function entityText(entity: BulletinEntity): string {
  switch (entity.type) {
    case 'handle':
      return entity.platform ? `${entity.value ?? ''} (${entity.platform})` : (entity.value ?? '');
    case 'travel-document':
      return [entity.issuer, entity.number].filter(Boolean).join(' ');
    case 'vessel':
      return [entity.name, entity.flag, entity.imo ? `IMO ${entity.imo}` : '', entity.mmsi ? `MMSI ${entity.mmsi}` : ''].filter(Boolean).join(', ');
    case 'phone':
      return entity.value ?? '';
  }
}

let nextKey = 0;
/** Rows for the entities a bulletin holds (a correction starts from them). */
export function draftsOf(entities: readonly BulletinEntity[]): EntityDraft[] {
  return entities.map(({ type, ...fields }) => ({ key: nextKey++, type, fields }));
}

/** The rows as the API takes them: each kind's fields, trimmed, blanks left out. */
export function toEntities(drafts: readonly EntityDraft[]): BulletinEntity[] {
  return drafts.map((draft) => {
    const entity: BulletinEntity = { type: draft.type };
    for (const field of fieldsOf(draft.type)) {
      const value = draft.fields[field]?.trim();
      if (value) entity[field] = STATE_FIELDS.includes(field) ? value.toUpperCase() : value;
    }
    return entity;
  });
}

export function EntityFields({ value, onChange, error }: { value: EntityDraft[]; onChange: (next: EntityDraft[]) => void; error: ApiError | undefined }) {
  const t = useT();
  const headingId = useId();
  const change = (key: number, field: EntityField, text: string) => onChange(value.map((draft) => (draft.key === key ? { ...draft, fields: { ...draft.fields, [field]: text } } : draft)));
  const whole = error?.errors.find((item) => item.pointer === '/entities')?.detail;
  return (
    <section aria-labelledby={headingId} className="bulletin-entities">
      <h2 id={headingId}>{t('bulletins.entities.title')}</h2>
      <p className="hint">{t('bulletins.entities.hint')}</p>
      {whole ? <p className="field-error">{whole}</p> : null}
      {value.length === 0 ? <p>{t('bulletins.entities.none')}</p> : null}
      {value.map((draft, index) => {
        const pointer = `/entities/${index}`;
        const rowError = error?.errors.find((item) => item.pointer === pointer)?.detail;
        const kind = t(KIND_LABEL[draft.type]);
        return (
          <fieldset key={draft.key} className={`bulletin-entity${rowError ? ' field-invalid' : ''}`}>
            <legend>{t('bulletins.entities.row', { kind, number: index + 1 })}</legend>
            {rowError ? <p className="field-error">{rowError}</p> : null}
            <div className="form-grid">
              {fieldsOf(draft.type).map((field) => (
                <Field key={field} label={draft.type === 'handle' && field === 'value' ? t(HANDLE_LABEL) : t(FIELD_LABEL[field])} error={error?.fieldError(`${pointer}/${field}`)}>
                  {(props) => (
                    <input {...props} translate="no" spellCheck={false} maxLength={200} value={draft.fields[field] ?? ''} onChange={(event) => change(draft.key, field, event.target.value)} />
                  )}
                </Field>
              ))}
            </div>
            <button type="button" className="button-small" onClick={() => onChange(value.filter((other) => other.key !== draft.key))} aria-label={t('bulletins.entities.removeRow', { kind, number: index + 1 })}>
              {t('bulletins.entities.remove')}
            </button>
          </fieldset>
        );
      })}
      <div className="form-actions">
        {BULLETIN_ENTITY_TYPES.map((type) => (
          <button key={type} type="button" className="button-secondary" onClick={() => onChange([...value, { key: nextKey++, type, fields: {} }])}>
            {t(ADD_LABEL[type])}
          </button>
        ))}
      </div>
    </section>
  );
}
