import { viewersOf } from '../../platform/sharing/viewers.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { appendAudit } from '../../platform/audit/writer.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { visibleTo } from '../../platform/sharing/rule.js';
import type { Viewer } from '../../platform/sharing/model.js';
import { writeSnapshot } from './snapshot-file.js';

/**
 * Offline snapshots (like INTERPOL's MIND): what one member may see of the register, as keyed
 * hashes of (issuer, type, number) with their status, signed with the installation's Ed25519 key.
 * A full snapshot holds every active document the member may see at a version (a change_seq);
 * a delta since an earlier version holds the documents changed since, and the keys to remove.
 *
 * A delta follows the latest snapshot issued at its base version (it reuses that file's hash key).
 * A delta removes the documents the member can still see that stopped being active; a document
 * whose audience was narrowed to leave the member out stays in the member's offline copy until
 * its next full snapshot (naming it in a delta would tell the member it exists).
 */

export interface SnapshotKeys {
  publicKey: KeyObject;
  privateKey: KeyObject;
  publicPem: string;
}

/** The installation's signing key pair, made on first use and kept in the database (schema owner only). */
export async function snapshotKeys(db: Database): Promise<SnapshotKeys> {
  const row = await db.ownerTransaction(async (tx) => {
    const existing = await tx.maybeOne<{ public_key: string; private_key: string }>(sql`SELECT public_key, private_key FROM document_snapshot_keys WHERE id = 1`);
    if (existing) return existing;
    const pair = generateKeyPairSync('ed25519');
    const made = {
      public_key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      private_key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    await tx.query(sql`INSERT INTO document_snapshot_keys (id, public_key, private_key) VALUES (1, ${made.public_key}, ${made.private_key}) ON CONFLICT (id) DO NOTHING`);
    return tx.one<{ public_key: string; private_key: string }>(sql`SELECT public_key, private_key FROM document_snapshot_keys WHERE id = 1`);
  });
  return { publicKey: createPublicKey(row.public_key), privateKey: createPrivateKey(row.private_key), publicPem: row.public_key };
}

async function viewerOf(db: Database, member: string): Promise<Viewer> {
  const viewer = (await db.ownerTransaction((tx) => viewersOf(tx, [member]))).get(member);
  if (!viewer) throw new SnapshotRequestError(`unknown member ${member}`);
  return viewer;
}

export class SnapshotRequestError extends Error {}

/**
 * The version a snapshot can claim: the last change handed out, once every transaction that may
 * have written up to it has finished (a SHARE lock waits for the writers holding the table), so
 * no change at or below it can still appear later.
 */
async function settledVersion(db: Database): Promise<number> {
  return db.ownerTransaction(async (tx) => {
    const { version } = await tx.one<{ version: number }>(sql`SELECT travel_documents_last_change() AS version`);
    await tx.query(sql`LOCK TABLE travel_documents IN SHARE MODE`);
    return version;
  });
}

export interface SnapshotResult {
  file: Buffer;
  version: number;
  baseVersion: number | null;
  entries: number;
  removed: number;
  publicPem: string;
}

/** Builds a signed snapshot (or a delta since `since`) for a member, and records it. */
export async function buildSnapshot(db: Database, member: string, options: { since?: number; now?: Date } = {}): Promise<SnapshotResult> {
  const viewer = await viewerOf(db, member);
  const keys = await snapshotKeys(db);
  const since = options.since;
  let hashKey: Buffer;
  if (since !== undefined) {
    const base = await db.ownerTransaction((tx) => tx.maybeOne<{ hash_key: Buffer }>(sql`SELECT hash_key FROM document_snapshots WHERE member = ${member} AND version = ${since}`));
    if (!base) throw new SnapshotRequestError(`no snapshot of version ${since} was issued for ${member}; issue a full snapshot`);
    hashKey = Buffer.from(base.hash_key);
  } else {
    hashKey = randomBytes(32);
  }
  const version = await settledVersion(db);
  // Read as the member: row-level security and the query layer's condition both apply.
  const { entries, removed } = await db.transaction({ member }, async (tx) => {
    const changed = since !== undefined ? sql`AND d.change_seq > ${since}` : sql``;
    const active = await tx.query<{ key: string; status: string }>(sql`
      SELECT d.issuer || chr(31) || d.doc_type || chr(31) || d.number AS key, d.status
      FROM travel_documents d WHERE d.state = 'active' AND ${visibleTo(viewer, 'd')} ${changed}`);
    const gone =
      since === undefined
        ? []
        : await tx.query<{ key: string }>(sql`
            SELECT DISTINCT d.issuer || chr(31) || d.doc_type || chr(31) || d.number AS key FROM travel_documents d
            WHERE d.change_seq > ${since} AND d.state <> 'active' AND ${visibleTo(viewer, 'd')}
              AND NOT EXISTS (SELECT 1 FROM travel_documents a WHERE a.issuer = d.issuer AND a.doc_type = d.doc_type AND a.number = d.number
                              AND a.state = 'active' AND ${visibleTo(viewer, 'a')})`);
    return { entries: active, removed: gone.map((row) => row.key) };
  });
  const file = writeSnapshot({
    member,
    version,
    ...(since !== undefined ? { baseVersion: since } : {}),
    entries,
    removed,
    hashKey,
    privateKey: keys.privateKey,
    createdAt: options.now ?? new Date(),
  });
  await db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO document_snapshots (member, version, base_version, hash_key, entries, removed)
      VALUES (${member}, ${version}, ${since ?? null}, ${hashKey}, ${entries.length}, ${removed.length})
      ON CONFLICT (member, version) DO UPDATE SET base_version = EXCLUDED.base_version, hash_key = EXCLUDED.hash_key, entries = EXCLUDED.entries,
        removed = EXCLUDED.removed`);
    await appendAudit(tx, { member }, [
      { action: 'documents.snapshot', objectType: 'travel-document', details: { version, baseVersion: since ?? null, entries: entries.length, removed: removed.length, via: 'cli' } },
    ]);
  });
  return { file, version, baseVersion: since ?? null, entries: entries.length, removed: removed.length, publicPem: keys.publicPem };
}
