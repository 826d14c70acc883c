import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { Viewer } from '../sharing/model.js';
import type { DigestLine } from './email.js';
import { viewersOf } from '../sharing/viewers.js';
import { visibleTo } from '../sharing/rule.js';

/**
 * Whether a member may still read an object of one type: asked at sending, in read-only transactions run for
 * that member (its row-level security applies), with the member as the sharing rule sees it. A
 * check reads the object through the sharing condition (`visibleTo(viewer, alias)`) or its own rule
 * (the two members of a request), and answers false for an object that is gone.
 */
export type ReadableCheck = (tx: Tx, objectId: string, viewer: Viewer) => Promise<boolean>;

/** Whether an object id has the form of a uuid (checks of uuid-keyed tables answer no to anything else). */
export const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** A check for the common case: a shareable table keyed by uuid, read through the sharing condition. */
export function shareableRow(table: string): ReadableCheck {
  return async (tx, objectId, viewer) =>
    isUuid(objectId) && (await tx.maybeOne(sql`SELECT 1 FROM ${sql.raw(table)} t WHERE t.id = ${objectId}::uuid AND ${visibleTo(viewer, 't')}`)) !== undefined;
}

const checks = new Map<string, { module: string; check: ReadableCheck }>();

/** Registers a module's checks, keyed by object type (from `defineModule`); one module per type. */
export function declareReadableObjects(module: string, declared: Readonly<Record<string, ReadableCheck>>): void {
  for (const [objectType, check] of Object.entries(declared)) {
    const known = checks.get(objectType);
    if (known && known.module !== module) throw new Error(`object type ${objectType} is declared readable by both ${known.module} and ${module}`);
    checks.set(objectType, { module, check });
  }
}

/** The object types some module knows how to check (for tests and the README). */
export function readableObjectTypes(): string[] {
  return [...checks.keys()].sort();
}

export interface About {
  objectType: string;
  objectId: string;
  /** The member the message is for: it must still be able to read the object when the message leaves. */
  member: string;
  /** The user the message is for, if one: still enabled, still of that member. */
  userId?: string;
}

/**
 * Whether a message about an object may still go to its recipient. Fails closed: an object type no
 * module declared, an unknown member, or a user disabled or moved since is a no.
 */
export async function stillReadable(platform: Platform, about: About): Promise<boolean> {
  const declared = checks.get(about.objectType);
  if (!declared) return false;
  // Reads only: each statement goes with its BEGIN, context and COMMIT (one round trip each on a server).
  return platform.db.read({ member: about.member }, async (tx) => {
    if (about.userId) {
      const user = await tx.maybeOne(sql`SELECT 1 FROM users WHERE id = ${about.userId} AND member = ${about.member} AND NOT disabled`);
      if (!user) return false;
    }
    const viewer = (await viewersOf(tx, [about.member])).get(about.member);
    if (!viewer) return false;
    return declared.check(tx, about.objectId, viewer);
  });
}

/**
 * At sending: the digest's lines the user may still read (a line about no record stays). The text
 * is made from them; none left, nothing is sent.
 */
export async function readableLines(platform: Platform, lines: readonly DigestLine[], member: string, userId: string): Promise<DigestLine[]> {
  const kept: DigestLine[] = [];
  for (const line of lines) {
    if (!line.objectType || !line.objectId || (await stillReadable(platform, { objectType: line.objectType, objectId: line.objectId, member, userId }))) kept.push(line);
  }
  return kept;
}

