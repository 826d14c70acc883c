/**
 * The entities linkage matches across members' records, and how each is written in one form. Every
 * type but a person's name matches exactly on its key; names match fuzzily on theirs.
 */
import { ENTITY_TYPES as CODES_ENTITY_TYPES } from '../codes.js';
import { normaliseBankAccount, normaliseIban, normaliseMobileMoney } from './accounts.js';
import { normaliseCrypto } from './crypto.js';
import { entityNormaliserFor, EntityError } from '../../../platform/entities.js';
import { normalisePerson, type PersonKey } from './names.js';
import { normaliseEmail, normaliseHandle } from './online.js';
import { normalisePhone } from './phone.js';
import { normaliseImo, normaliseMmsi, normalisePlate, normaliseVesselName } from './vessels.js';

export { EntityError } from '../../../platform/entities.js';
export { NETWORKS } from './crypto.js';
export { PLATFORMS } from './online.js';
export type { PersonKey } from './names.js';

/** What a record says about one entity, as its module offers it. */
export type EntityInput =
  | { type: 'phone'; value: string }
  | { type: 'email'; value: string }
  | { type: 'handle'; platform: string; value: string }
  | { type: 'travel-document'; issuer: string; number: string }
  | { type: 'vessel'; imo?: string; mmsi?: string; name?: string; flag?: string }
  | { type: 'vehicle'; plate: string; country: string }
  | { type: 'iban'; value: string }
  | { type: 'bank-account'; bank: string; number: string }
  | { type: 'mobile-money'; provider: string; value: string }
  | { type: 'crypto'; network?: string; value: string }
  | { type: 'person'; name: string; birthYear?: number | null };

export type EntityType = EntityInput['type'];
/** The list in codes.ts (the web app's), checked against the inputs both ways: a type missing from either does not compile. */
export const ENTITY_TYPES: readonly EntityType[] = CODES_ENTITY_TYPES satisfies readonly EntityType[];
type Assert<T extends true> = T;
export type EveryEntityTypeListed = Assert<[Exclude<EntityType, (typeof CODES_ENTITY_TYPES)[number]>] extends [never] ? true : false>;

/** The kinds of key matched exactly; a vessel gives up to three (its IMO number, MMSI, and name with flag). */
export type KeyKind = Exclude<EntityType, 'vessel' | 'person'> | 'imo' | 'mmsi' | 'vessel-name';

export type EntityKey = { kind: KeyKind; key: string } | { kind: 'person'; key: string; person: PersonKey };

/** Where the record was written: a national number or a plate without a country is read in it (alpha-3). */
export interface EntityContext {
  country?: string;
}

/**
 * The keys an entity is matched on, normalised. Throws `EntityError` naming the input's field and
 * what it expects when the value cannot be the entity it is offered as.
 */
export function entityKeys(input: EntityInput, context: EntityContext = {}): EntityKey[] {
  switch (input.type) {
    case 'phone':
      return [{ kind: 'phone', key: normalisePhone(input.value, context.country) }];
    case 'email':
      return [{ kind: 'email', key: normaliseEmail(input.value) }];
    case 'handle':
      return [{ kind: 'handle', key: normaliseHandle(input.platform, input.value, context.country) }];
    case 'travel-document':
      return [{ kind: 'travel-document', key: travelDocument(input.issuer, input.number) }];
    case 'vessel': {
      const keys: EntityKey[] = [];
      if (input.imo?.trim()) keys.push({ kind: 'imo', key: normaliseImo(input.imo) });
      if (input.mmsi?.trim()) keys.push({ kind: 'mmsi', key: normaliseMmsi(input.mmsi) });
      if (input.name?.trim()) keys.push({ kind: 'vessel-name', key: normaliseVesselName(input.name, input.flag) });
      if (keys.length === 0) throw new EntityError('a vessel needs its IMO number, its MMSI, or its name with its flag', 'imo');
      return keys;
    }
    case 'vehicle':
      return [{ kind: 'vehicle', key: normalisePlate(input.plate, input.country || context.country) }];
    case 'iban':
      return [{ kind: 'iban', key: normaliseIban(input.value) }];
    case 'bank-account':
      return [{ kind: 'bank-account', key: normaliseBankAccount(input.bank, input.number) }];
    case 'mobile-money':
      return [{ kind: 'mobile-money', key: normaliseMobileMoney(input.provider, input.value, context.country) }];
    case 'crypto':
      return [{ kind: 'crypto', key: normaliseCrypto(input.value, input.network) }];
    case 'person': {
      const person = normalisePerson(input.name, input.birthYear);
      return [{ kind: 'person', key: person.key, person }];
    }
  }
}

/** A travel document in the register's form (`IDN:B1234567`), by the normaliser the documents module offers. */
function travelDocument(issuer: string, number: string): string {
  const normalise = entityNormaliserFor('travel-document');
  if (!normalise) throw new Error('no module offers the travel-document normaliser (the documents module does)');
  return normalise({ issuer, number });
}
