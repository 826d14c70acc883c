import { useT } from '../../i18n/index.js';
import { countryName } from '../../../../src/platform/geo/countries.js';
import { ENTITY_TYPE_LABEL, FIELDS_OF, keyKindLabel, SUBJECT_LABEL, SUBJECTS, type Entity, type LeadField, type NormalisedKey, type Subject } from './api.js';

/** A matched key's kind in words (its code as data when this web app does not know it). */
export function KindText({ kind }: { kind: string }) {
  const t = useT();
  const label = keyKindLabel(kind);
  return label ? <>{t(label)}</> : <span translate="no">{kind}</span>;
}

/** A matched key: its kind in words and the key as data. */
export function KeyText({ item }: { item: Pick<NormalisedKey, 'kind' | 'key'> }) {
  return (
    <span className="entity-key">
      <KindText kind={item.kind} /> <code>{item.key}</code>
    </span>
  );
}

/** An entity in one line: its type in words, then its fields' values as written (data). */
export function EntityText({ entity }: { entity: Entity }) {
  const t = useT();
  const [required, optional] = FIELDS_OF[entity.type];
  // In the order the form asks for them (a handle's platform before its name).
  const values = [...required, ...optional].map((field) => entity[field]).filter((value) => value !== undefined && value !== null && value !== '');
  return (
    <>
      <strong>{t(ENTITY_TYPE_LABEL[entity.type])}</strong> <span translate="no">{values.map(String).join(' · ')}</span>
    </>
  );
}

/** A value as written, as text: strings and numbers as they are, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));

/** A lead's field as disclosed or offered: words for a subject, a country's name, entities one a line; the rest as written (data). */
export function DisclosedValue({ field, value }: { field: LeadField; value: unknown }) {
  const t = useT();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (field === 'subject' && (SUBJECTS as readonly unknown[]).includes(value)) return <>{t(SUBJECT_LABEL[value as Subject])}</>;
  if (field === 'country') return <span translate="no">{countryName(asText(value))}</span>;
  if (field === 'entities' && Array.isArray(value)) {
    return (
      <ul className="entity-list">
        {(value as Entity[]).map((entity, index) => (
          <li key={index}>
            <EntityText entity={entity} />
          </li>
        ))}
      </ul>
    );
  }
  return <span translate="no">{asText(value)}</span>;
}
