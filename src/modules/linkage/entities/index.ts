/**
 * The entities linkage matches across members' records, and how each is written in one form. Every
 * type but a person's name matches exactly on its key; names match fuzzily on theirs.
 */
import { normaliseBankAccount, normaliseIban, normaliseMobileMoney } from './accounts.js';
import { normaliseCrypto } from './crypto.js';
import { EntityError } from './errors.js';
import { normalisePerson, type PersonKey } from './names.js';
import { normaliseEmail, normaliseHandle } from './online.js';
import { normalisePhone } from './phone.js';
import { normaliseImo, normaliseMmsi, normalisePlate, normaliseVesselName } from './vessels.js';

export { EntityError } from './errors.js';
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
export const ENTITY_TYPES: readonly EntityType[] = ['phone', 'email', 'handle', 'travel-document', 'vessel', 'vehicle', 'iban', 'bank-account', 'mobile-money', 'crypto', 'person'];

/** The kinds of key matched exactly; a vessel gives up to three (its IMO number, MMSI, and name with flag). */
export type KeyKind = Exclude<EntityType, 'vessel' | 'person'> | 'imo' | 'mmsi' | 'vessel-name';

export type EntityKey = { kind: KeyKind; key: string } | { kind: 'person'; key: string; person: PersonKey };

/** Where the record was written, and the normalisers other modules own. */
export interface EntityContext {
  /** A national phone number or a plate without a country is read in it (alpha-3). */
  country?: string;
  /**
   * A travel document's issuer and number as the document register writes them (`IDN:B1234567`),
   * throwing with a message for the officer. The register owns that form (its module declares it for
   * linkage), so linkage never keeps a second copy of it.
   */
  travelDocument?: (issuer: string, number: string) => { issuer: string; number: string };
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
      return [{ kind: 'travel-document', key: travelDocument(input.issuer, input.number, context) }];
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

/** A travel document as the register writes it: issuer and number (`IDN:B1234567`). */
function travelDocument(issuer: string, number: string, context: EntityContext): string {
  if (!context.travelDocument) throw new Error('linkage was given a travel document without the register’s normaliser');
  if (!issuer.trim()) throw new EntityError('give the issuing state or organisation (ICAO code)', 'issuer');
  if (!number.trim()) throw new EntityError('give the document number', 'number');
  try {
    const document = context.travelDocument(issuer, number);
    return `${document.issuer}:${document.number}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new EntityError(message, /issu/i.test(message) ? 'issuer' : 'number');
  }
}
