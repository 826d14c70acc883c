import { EntityError } from '../../platform/entities.js';
import type { FieldError } from '../../platform/errors.js';
import { FIELDS_OF, type EntityField } from './codes.js';
import { entityKeys, type EntityInput, type EntityKey } from './entities/index.js';
import type { Entity } from './schemas.js';

/** The fields an entity of its type needs and takes, as errors at `pointer`: a field another type takes is named, not ignored. */
function shapeErrors(entity: Entity, pointer: string): FieldError[] {
  const [required, optional] = FIELDS_OF[entity.type];
  const errors: FieldError[] = [];
  for (const field of required) if (entity[field] === undefined) errors.push({ pointer: `${pointer}/${field}`, detail: `a ${entity.type} needs its ${field}` });
  for (const field of Object.keys(entity).filter((name) => name !== 'type') as EntityField[]) {
    if (!required.includes(field) && !optional.includes(field)) {
      errors.push({ pointer: `${pointer}/${field}`, detail: `a ${entity.type} takes ${[...required, ...optional].join(', ')}; not ${field}` });
    }
  }
  return errors;
}

/** An entity as written, checked and normalised: its keys, or the errors with their pointers. */
export function keysOf(entity: Entity, pointer: string, country: string | undefined): { keys: EntityKey[]; errors: FieldError[] } {
  const errors = shapeErrors(entity, pointer);
  if (errors.length > 0) return { keys: [], errors };
  try {
    return { keys: entityKeys(entity as EntityInput, { ...(country ? { country } : {}) }), errors: [] };
  } catch (error) {
    if (error instanceof EntityError) return { keys: [], errors: [{ pointer: `${pointer}/${error.field}`, detail: error.message }] };
    throw error;
  }
}

/** Every entity's keys, or every error of every entity. */
export function keysOfAll(entities: readonly Entity[], pointer: string, country: string | undefined): { keys: EntityKey[][]; errors: FieldError[] } {
  const results = entities.map((entity, index) => keysOf(entity, `${pointer}/${index}`, country));
  return { keys: results.map((result) => result.keys), errors: results.flatMap((result) => result.errors) };
}

/** A key as the API shows it. */
export function presentKey(key: EntityKey): { kind: string; key: string; skeleton?: string; birthYear?: number | null } {
  return key.kind === 'person' ? { kind: key.kind, key: key.key, skeleton: key.person.skeleton, birthYear: key.person.birthYear } : { kind: key.kind, key: key.key };
}
