import { useT } from '../../i18n/index.js';
import { countryName } from '../../../../src/platform/geo/countries.js';
import { ENTITY_TYPE_LABEL, FIELDS_OF, keyKindLabel, SUBJECT_LABEL, SUBJECTS, type Entity, type NormalisedKey, type Subject } from './api.js';

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

/** A route leg as a report holds it (reports' RouteLeg): the countries, and the vessel when it names one. */
interface RouteLegValue {
  from?: string;
  to?: string;
  imo?: string;
  mmsi?: string;
  vesselName?: string;
  vesselFlag?: string;
}

function RouteLegText({ leg }: { leg: RouteLegValue }) {
  const vessel = leg.imo ?? leg.mmsi ?? leg.vesselName;
  return (
    <>
      <span translate="no">
        {countryName(leg.from ?? '')} → {countryName(leg.to ?? '')}
      </span>
      {vessel ? (
        <>
          {' · '}
          <EntityText entity={{ type: 'vessel', imo: leg.imo, mmsi: leg.mmsi, name: leg.vesselName, flag: leg.vesselFlag }} />
        </>
      ) : null}
    </>
  );
}

/**
 * A record's field as disclosed or offered, by its name (the API's): words for a lead's subject, a
 * country's name, entities and a report's route legs one a line; the rest as written (data).
 */
export function DisclosedValue({ field, value }: { field: string; value: unknown }) {
  const t = useT();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (field === 'subject' && (SUBJECTS as readonly unknown[]).includes(value)) return <>{t(SUBJECT_LABEL[value as Subject])}</>;
  if (field === 'country' && typeof value === 'string') return <span translate="no">{countryName(value)}</span>;
  if ((field === 'entities' || field === 'route') && Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">—</span>;
    return (
      <ul className="entity-list">
        {value.map((item, index) => (
          <li key={index}>{field === 'entities' ? <EntityText entity={item as Entity} /> : <RouteLegText leg={item as RouteLegValue} />}</li>
        ))}
      </ul>
    );
  }
  return <span translate="no">{asText(value)}</span>;
}
