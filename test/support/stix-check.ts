/**
 * Checks a STIX 2.1 bundle against the normative MUSTs of the STIX 2.1 specification (OASIS, 2021),
 * written here from the specification's text as JSON Schemas for Ajv: no npm package holds the
 * OASIS schemas or a general STIX 2.1 validator for Node (the candidates checked, including
 * @mitre-attack/attack-data-model, validate ATT&CK's own object types only). Checked: identifier
 * form (§2.9), spec_version (§3.1), timestamps with millisecond precision in UTC (§3.2), modified not
 * before created, required properties of each object type used (locations included), the TLP 2.0 marking definitions
 * with their fixed ids, and that every reference resolves inside the bundle.
 */
import { Ajv, type ValidateFunction } from 'ajv';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const identifier = (type = '[a-z0-9][a-z0-9-]{1,248}[a-z0-9]') => ({ type: 'string', pattern: `^${type}--${UUID}$` });
const timestamp = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' };
const markingRefs = { type: 'array', minItems: 1, items: identifier('marking-definition') };
const nonEmptyString = { type: 'string', minLength: 1 };

const common = {
  type: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$', not: { pattern: '--' } },
  id: identifier(),
  spec_version: { const: '2.1' },
  object_marking_refs: markingRefs,
};
const domain = {
  ...common,
  created: timestamp,
  modified: timestamp,
  created_by_ref: identifier('identity'),
  confidence: { type: 'integer', minimum: 0, maximum: 100 },
  external_references: { type: 'array', minItems: 1, items: { type: 'object', required: ['source_name'], properties: { source_name: nonEmptyString } } },
};
const object = (required: string[], properties: Record<string, unknown>, base: Record<string, unknown> = domain) => ({
  type: 'object',
  required: ['type', 'id', 'spec_version', ...required],
  properties: { ...base, ...properties },
});

const SCHEMAS: Record<string, object> = {
  identity: object(['created', 'modified', 'name'], { name: nonEmptyString, identity_class: { type: 'string' } }),
  report: object(['created', 'modified', 'name', 'published', 'object_refs'], { name: nonEmptyString, published: timestamp, object_refs: { type: 'array', minItems: 1, items: identifier() } }),
  infrastructure: object(['created', 'modified', 'name'], { name: nonEmptyString, infrastructure_types: { type: 'array', items: { type: 'string' } } }),
  relationship: object(['created', 'modified', 'relationship_type', 'source_ref', 'target_ref'], {
    relationship_type: { type: 'string', pattern: '^[a-z0-9-]+$' }, source_ref: identifier(), target_ref: identifier(),
  }),
  'extension-definition': object(['created', 'modified', 'created_by_ref', 'name', 'schema', 'version', 'extension_types'], {
    name: nonEmptyString, schema: nonEmptyString, version: nonEmptyString,
    extension_types: { type: 'array', minItems: 1, items: { enum: ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'] } },
  }),
  'marking-definition': object(['created'], { created: timestamp }, common),
  // §4.10: a location names a region, a country (ISO 3166-1 alpha-2) or a point.
  location: {
    ...object(['created', 'modified'], { country: { type: 'string', pattern: '^[A-Z]{2}$' }, region: nonEmptyString, latitude: { type: 'number', minimum: -90, maximum: 90 }, longitude: { type: 'number', minimum: -180, maximum: 180 } }),
    anyOf: [{ required: ['region'] }, { required: ['country'] }, { required: ['latitude', 'longitude'] }],
  },
  'email-addr': object(['value'], { value: nonEmptyString }, common),
  'user-account': object([], { user_id: nonEmptyString, account_type: nonEmptyString }, common),
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>(Object.entries(SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));
const bundleShape = ajv.compile({
  type: 'object', required: ['type', 'id', 'objects'], additionalProperties: false,
  properties: { type: { const: 'bundle' }, id: identifier('bundle'), objects: { type: 'array', minItems: 1, items: { type: 'object', required: ['type', 'id'] } } },
});

export const TLP_2_0: Record<string, string> = {
  'TLP:CLEAR': 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  'TLP:GREEN': 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  'TLP:AMBER': 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'TLP:AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  'TLP:RED': 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

type StixObject = Record<string, unknown> & { type: string; id: string };

/** Every violation found, as "id: message" lines; empty when the bundle conforms. */
export function stixProblems(bundle: unknown): string[] {
  if (!bundleShape(bundle)) return (bundleShape.errors ?? []).map((e) => `bundle${e.instancePath}: ${e.message ?? ''}`);
  const objects = (bundle as { objects: StixObject[] }).objects;
  const problems: string[] = [];
  const ids = new Set<string>();
  const extensions = new Set(objects.filter((o) => o.type === 'extension-definition').map((o) => o.id));
  for (const o of objects) {
    if (ids.has(o.id)) problems.push(`${o.id}: the id appears twice`);
    ids.add(o.id);
    if (!o.id.startsWith(`${o.type}--`)) problems.push(`${o.id}: the id does not start with its type ${o.type}`);
    const validate = validators.get(o.type);
    if (validate) {
      // Ajv's function is a type guard, which would narrow the object to never when it fails.
      const valid: boolean = validate(o);
      if (!valid) problems.push(...(validate.errors ?? []).map((e) => `${o.id}${e.instancePath}: ${e.message ?? ''}`));
    } else {
      // A type STIX 2.1 does not define must be declared by an extension definition in the bundle (§7.3).
      const declared = Object.keys((o.extensions as Record<string, { extension_type?: string }> | undefined) ?? {}).filter((id) => extensions.has(id));
      if (declared.length === 0) problems.push(`${o.id}: type ${o.type} is neither STIX 2.1's nor declared by an extension definition`);
    }
    if (typeof o.created === 'string' && typeof o.modified === 'string' && o.modified < o.created) problems.push(`${o.id}: modified before created`);
    if (o.type === 'marking-definition' && Object.values(TLP_2_0).includes(o.id)) {
      const name = Object.entries(TLP_2_0).find(([, id]) => id === o.id)?.[0];
      if (o.name !== name) problems.push(`${o.id}: a TLP 2.0 marking named ${String(o.name)}, not ${name}`);
      const extension = (o.extensions as Record<string, { extension_type?: string; tlp_2_0?: string }> | undefined)?.['extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d'];
      if (extension?.extension_type !== 'property-extension' || extension.tlp_2_0 !== name?.slice(4).toLowerCase()) problems.push(`${o.id}: the TLP 2.0 extension is wrong`);
    }
  }
  // Every reference resolves inside the bundle (stricter than the specification, which allows outside ones).
  for (const o of objects) {
    const refs = [o.created_by_ref, o.source_ref, o.target_ref, ...((o.object_refs as unknown[] | undefined) ?? []), ...((o.object_marking_refs as unknown[] | undefined) ?? [])];
    for (const ref of refs) if (typeof ref === 'string' && !ids.has(ref)) problems.push(`${o.id}: ${ref} is not in the bundle`);
  }
  return problems;
}
