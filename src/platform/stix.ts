/**
 * STIX 2.1 pieces every exporter and importer shares: name-based (UUIDv5) ids, so exporting the same
 * thing twice gives the same objects; the OASIS TLP 2.0 marking definitions with their fixed ids (and
 * the TLP 1.0 ones, which bundles from older MISP instances still carry); the identities of Lintas
 * and of a member.
 */
import { createHash } from 'node:crypto';
import type { Ctx } from './context.js';
import { sql } from './db/sql.js';
import type { HandlingCode, Tlp } from './sharing/codes.js';

export type StixObject = Record<string, unknown> & { type: string; id: string };

/** The extension definition under which the OASIS TLP 2.0 marking definitions are published. */
export const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP_MARKINGS: Readonly<Record<Tlp, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
/** The TLP 1.0 marking definitions of STIX 2.1 §7.2.1.4, read as the TLP 2.0 level they became (WHITE is CLEAR). */
export const TLP_1_0_MARKINGS: Readonly<Record<string, Tlp>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
};
export const TLP_ORDER: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** The strictest of some TLP levels (CLEAR for none). */
export const strictestTlp = (levels: readonly Tlp[]): Tlp => levels.reduce<Tlp>((a, b) => (TLP_ORDER.indexOf(b) > TLP_ORDER.indexOf(a) ? b : a), 'CLEAR');

/** A TLP 2.0 marking definition as OASIS publishes it. */
export const tlpMarking = (tlp: Tlp): StixObject => ({
  type: 'marking-definition', spec_version: '2.1', id: TLP_MARKINGS[tlp], created: '2022-10-01T00:00:00.000Z', name: `TLP:${tlp}`,
  extensions: { [TLP_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
});

/** The namespace STIX 2.1 gives for the ids of cyber-observable objects, and Lintas's own for the rest. */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
const LINTAS_NAMESPACE = '6f1c7f2e-3b1e-4f4a-9a57-1a2b0c8d4e5f';

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A STIX id of a type, named (UUIDv5 in Lintas's namespace) by `name`: the same name, the same id. */
export const stixId = (type: string, name: string): string => `${type}--${uuidV5(name, LINTAS_NAMESPACE)}`;

/** When the platform's own objects (identities, extension definitions, handling statements) were defined: fixed, so each has one version. */
export const DEFINED = '2024-01-01T00:00:00.000Z';
export const LINTAS_IDENTITY = stixId('identity', 'lintas');

/** Lintas itself, the creator of its extension definitions. */
export const lintasIdentity = (): StixObject => ({
  type: 'identity', spec_version: '2.1', id: LINTAS_IDENTITY, created: DEFINED, modified: DEFINED, name: 'Lintas', identity_class: 'system', object_marking_refs: [TLP_MARKINGS.CLEAR],
});

/** The members' names by code, for their identities. */
export async function memberNames(ctx: Ctx, codes: readonly string[]): Promise<Map<string, string>> {
  const rows = await ctx.tx.query<{ code: string; name: string }>(sql`SELECT code, name FROM members WHERE code = ANY(${[...codes]}::text[])`);
  return new Map(rows.map((row) => [row.code, row.name]));
}

/** The identity of a member: its code in an external reference (`lintas-member`). */
export const memberIdentityId = (code: string): string => stixId('identity', `member:${code}`);
export function memberIdentity(code: string, name: string): StixObject {
  return {
    type: 'identity', spec_version: '2.1', id: memberIdentityId(code), created: DEFINED, modified: DEFINED, name, identity_class: 'organization',
    external_references: [{ source_name: 'lintas-member', external_id: code }], object_marking_refs: [TLP_MARKINGS.CLEAR],
  };
}

/** The Europol handling codes in words, as statement markings carry them (an importer reads the code back from the prefix). */
export const HANDLING_TEXT: Record<HandlingCode, string> = {
  H0: 'H0: this information may be used in judicial proceedings.',
  H1: 'H1: this information must not be used in judicial proceedings without the permission of its provider.',
  H2: 'H2: this information must not be disseminated without the permission of its provider.',
  H3: 'H3: other restrictions apply',
};

/** The statement marking of a record's handling code (H3 with its note). */
export function handlingMarking(code: HandlingCode, note: string | null): StixObject {
  const statement = code === 'H3' ? `${HANDLING_TEXT.H3}: ${note ?? 'see the provider'}` : HANDLING_TEXT[code];
  return { type: 'marking-definition', spec_version: '2.1', id: stixId('marking-definition', statement), created: DEFINED, definition_type: 'statement', definition: { statement } };
}

