import type { Database, Tx } from './database.js';

/**
 * Work across members done in bounded transactions until none is left (retention, sealing, notices
 * of expiring tokens): `batch` takes at most `size` rows in its own owner transaction and says how
 * many it took; a batch that took fewer than `size` was the last. A long backlog so never holds one
 * transaction (and on the embedded database, the one connection) for long. The rows taken in all.
 */
export async function inOwnerBatches(db: Database, size: number, batch: (tx: Tx, size: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await db.ownerTransaction((tx) => batch(tx, size));
    total += taken;
    if (taken < size) return total;
  }
}
