/**
 * Entity normalisers a module owns and offers to the others (the document register owns the one
 * form of a travel document's issuer and number), so no module keeps a second copy of another's
 * rules. Filled by `defineModule` from each module's `entityNormalisers`, like its actions.
 */

/** A value that cannot be read as the entity it is offered as; `field` names the input's field. */
export class EntityError extends Error {
  override readonly name = 'EntityError';
  constructor(
    message: string,
    readonly field = 'value',
  ) {
    super(message);
  }
}

/** The key of an entity from the fields an officer wrote; throws `EntityError` naming the field. */
export type EntityNormaliser = (fields: Readonly<Record<string, string | undefined>>) => string;

const owners = new Map<string, { module: string; normalise: EntityNormaliser }>();

export function offerEntityNormalisers(module: string, normalisers: Readonly<Record<string, EntityNormaliser>>): void {
  for (const [type, normalise] of Object.entries(normalisers)) {
    const owner = owners.get(type);
    if (owner && owner.module !== module) throw new Error(`entity type ${type} is normalised by ${owner.module} already; ${module} may not offer it too`);
    owners.set(type, { module, normalise });
  }
}

/** The normaliser a module offers for an entity type, if one does. */
export function entityNormaliserFor(type: string): EntityNormaliser | undefined {
  return owners.get(type)?.normalise;
}
