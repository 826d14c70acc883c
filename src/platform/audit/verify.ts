import type { Database } from '../db/database.js';
import { sql } from '../db/sql.js';

export interface AuditVerdict {
  ok: boolean;
  rows: number;
  /** The first row found wrong, in order of appending, and what is wrong with it. */
  firstBad?: { seq: number; lane: number; laneSeq: number; problem: string };
}

/**
 * Recomputes every row's hash and checks each row links to the one before it in its lane, that
 * lanes have no gaps, and that each lane ends where its head says: an edited, removed or
 * reordered row is found and named.
 */
export async function verifyAudit(db: Database): Promise<AuditVerdict> {
  return db.ownerTransaction(async (tx) => {
    const bad = await tx.query<{ seq: number; lane: number; lane_seq: number; self_ok: boolean; link_ok: boolean; gap_ok: boolean }>(sql`
      WITH checked AS (
        SELECT a.seq, a.lane, a.lane_seq,
          a.hash = sha256(a.prev_hash || audit_canonical(a)) AS self_ok,
          a.prev_hash = coalesce(lag(a.hash) OVER w, audit_genesis(a.lane)) AS link_ok,
          a.lane_seq = coalesce(lag(a.lane_seq) OVER w, 0) + 1 AS gap_ok
        FROM audit_log a
        WINDOW w AS (PARTITION BY a.lane ORDER BY a.lane_seq)
      )
      SELECT * FROM checked WHERE NOT (self_ok AND link_ok AND gap_ok) ORDER BY seq LIMIT 1`);
    const { rows } = await tx.one<{ rows: number }>(sql`SELECT count(*)::int AS rows FROM audit_log`);
    const first = bad[0];
    if (first) {
      const problem = !first.self_ok
        ? 'its content does not match its hash: the row was edited'
        : !first.gap_ok
          ? 'rows before it in its lane are missing: a row was removed'
          : 'it does not follow the row before it: a row was removed, inserted or reordered';
      return { ok: false, rows, firstBad: { seq: first.seq, lane: first.lane, laneSeq: first.lane_seq, problem } };
    }
    const heads = await tx.query<{ lane: number; last_seq: number; seq: number | null; head_ok: boolean }>(sql`
      SELECT h.lane, h.last_seq, t.seq,
        (t.lane_seq IS NOT DISTINCT FROM nullif(h.last_seq, 0)) AND coalesce(t.hash, audit_genesis(h.lane)) = h.last_hash AS head_ok
      FROM audit_lanes h
      LEFT JOIN LATERAL (SELECT seq, lane_seq, hash FROM audit_log a WHERE a.lane = h.lane ORDER BY lane_seq DESC LIMIT 1) t ON true
      WHERE true ORDER BY h.lane`);
    const broken = heads.find((head) => !head.head_ok);
    if (broken) {
      return {
        ok: false,
        rows,
        firstBad: {
          seq: broken.seq ?? 0,
          lane: broken.lane,
          laneSeq: broken.last_seq,
          problem: `lane ${broken.lane} should end at its row ${broken.last_seq}: the last rows were removed`,
        },
      };
    }
    return { ok: true, rows };
  });
}
