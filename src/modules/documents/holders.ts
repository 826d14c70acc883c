/**
 * Holder details at rest (issue 27, migration 0047): the five fields are kept as one value sealed
 * with the issuer's data key for `documents holder` (platform/crypto/envelope.ts), so the database
 * alone reveals no holder, and a keyed digest of them bound to the document (issuer, type, number),
 * by which an import tells a changed holder from an unchanged one without opening anything and which
 * says nothing across documents. Nothing queries holders by value; they are opened only for the
 * issuer's own records and for step two.
 */
import type { Platform } from '../../platform/context.js';
import { envelopeOf, type Sealer } from '../../platform/crypto/envelope.js';
import type { DataKey } from '../../platform/crypto/keys.js';
import { inOwnerBatches } from '../../platform/db/batches.js';
import type { Queryable, Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import type { Holder } from './schemas.js';

export const SEAL_HOLDER = 'documents holder';

/** The stored form of holder details: a sealed value and its digest, or both null when there are none. */
export interface SealedHolder {
  sealed: Buffer | null;
  digest: string | null;
}

/** The fields in one order, empty ones left out; null when none is given. */
export function holderOf(fields: { surname?: string | null; givenNames?: string | null; nationality?: string | null; birthDate?: string | null; sex?: string | null }): Holder | null {
  const holder: Holder = {};
  if (fields.surname) holder.surname = fields.surname;
  if (fields.givenNames) holder.givenNames = fields.givenNames;
  if (fields.nationality) holder.nationality = fields.nationality;
  if (fields.birthDate) holder.birthDate = fields.birthDate;
  if (fields.sex === 'F' || fields.sex === 'M' || fields.sex === 'X') holder.sex = fields.sex;
  return Object.keys(holder).length > 0 ? holder : null;
}

/** The keyed digest of a document's holder details (the first-generation key's hash, which rotation leaves as it is). */
export function holderDigest(key: DataKey, document: { issuer: string; type: string; number: string }, json: string): string {
  return key.hash(SEAL_HOLDER, Buffer.from(`${document.issuer}\u001f${document.type}\u001f${document.number}\u001f${json}`, 'utf8'));
}

/** Seals holder details of one member's documents with one data key, without a round trip a row (imports). */
export class HolderSealer {
  constructor(
    private readonly hashKey: DataKey,
    private readonly sealer: Sealer,
  ) {}

  seal(document: { issuer: string; type: string; number: string }, holder: Holder | null): SealedHolder {
    if (!holder) return { sealed: null, digest: null };
    const json = JSON.stringify(holder);
    return { sealed: this.sealer.seal(Buffer.from(json, 'utf8')), digest: holderDigest(this.hashKey, document, json) };
  }
}

/** The sealer of the member's holder details, its data key made in `tx` when it has none. */
export async function holderSealer(platform: Pick<Platform, 'db'>, tx: Tx, member: string): Promise<HolderSealer> {
  const envelope = envelopeOf(platform);
  return new HolderSealer(envelope.firstKey, await envelope.sealer(tx, SEAL_HOLDER, member));
}

/** Opens a record's holder details (null when it has none). */
export async function openHolder(platform: Pick<Platform, 'db'>, tx: Queryable, sealed: Uint8Array | null): Promise<Holder | null> {
  if (!sealed) return null;
  return (await envelopeOf(platform).openJson(tx, SEAL_HOLDER, sealed)) as Holder;
}

const BATCH = 2000;

interface PendingRow {
  id: string;
  owner: string;
  issuer: string;
  doc_type: string;
  number: string;
  surname: string | null;
  given_names: string | null;
  nationality: string | null;
  birth_date: string | null;
  sex: string | null;
}

/**
 * The module's prepare step: seals the holder details of rows written before migration 0047, which
 * migration 0050 kept in lintas_secrets.documents_holder_pending when it dropped the plain columns,
 * and deletes them there, a batch a transaction (a crash leaves the rest for the next start). A
 * document given sealed holder details since (an import run from the command line before the first
 * start) keeps them: the newer details win. Idempotent: once done, the table is empty.
 * The number of records sealed.
 */
export async function sealPlainHolders(platform: Pick<Platform, 'db'>): Promise<number> {
  return inOwnerBatches(platform.db, BATCH, async (tx, size) => {
    const rows = await tx.query<PendingRow>(sql`
      SELECT d.id, d.owner, d.issuer, d.doc_type, d.number, p.surname, p.given_names, p.nationality, p.birth_date::text AS birth_date, p.sex
      FROM lintas_secrets.documents_holder_pending p JOIN travel_documents d ON d.id = p.document_id
      ORDER BY p.document_id LIMIT ${size} FOR UPDATE`);
    const sealers = new Map<string, HolderSealer>();
    const ids: string[] = [];
    const values: string[] = [];
    const digests: string[] = [];
    for (const row of rows) {
      const sealer = sealers.get(row.owner) ?? (await holderSealer(platform, tx, row.owner));
      sealers.set(row.owner, sealer);
      const holder = holderOf({ surname: row.surname, givenNames: row.given_names, nationality: row.nationality, birthDate: row.birth_date, sex: row.sex });
      const stored = sealer.seal({ issuer: row.issuer, type: row.doc_type, number: row.number }, holder);
      ids.push(row.id);
      values.push(stored.sealed?.toString('hex') ?? '');
      digests.push(stored.digest ?? '');
    }
    if (rows.length > 0) {
      await tx.query(sql`UPDATE travel_documents d SET holder_sealed = decode(nullif(v.sealed, ''), 'hex'), holder_digest = nullif(v.digest, '')
        FROM unnest(${ids}::uuid[], ${values}::text[], ${digests}::text[]) AS v (id, sealed, digest) WHERE d.id = v.id AND d.holder_sealed IS NULL`);
      await tx.query(sql`DELETE FROM lintas_secrets.documents_holder_pending WHERE document_id = ANY(${ids}::uuid[])`);
    }
    return rows.length;
  });
}
