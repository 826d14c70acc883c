import type { Config } from '../config.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import { Problem } from '../errors.js';

const MIB = 1024 * 1024;

/** A size for people: MiB below a GiB, GiB above, one decimal. */
function size(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / (1024 * MIB)).toFixed(1)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

/** The bytes of files the transaction's member stores (migration 0058: each module's triggers keep the count). */
export async function fileStorageUsed(tx: Tx): Promise<number> {
  return Number((await tx.one<{ bytes: string }>(sql`SELECT file_storage_used()::text AS bytes`)).bytes);
}

/**
 * Call after storing a file of `added` bytes in a member's transaction (ASVS 12.1.3): if the member's
 * files now pass `LINTAS_FILE_QUOTA_MB`, a 413 that rolls the transaction back, so nothing is stored.
 * The count's row stays locked to the end of the transaction, so two uploads at once cannot pass the
 * quota together. The answer names only the member's own figures.
 */
export async function assertFileQuota(tx: Tx, config: Pick<Config, 'fileQuotaMb'>, added: number): Promise<void> {
  if (config.fileQuotaMb === 0) return;
  const used = await fileStorageUsed(tx);
  const quota = config.fileQuotaMb * MIB;
  if (used <= quota) return;
  throw new Problem(
    413,
    'File quota reached',
    `Your member's files would take ${size(used)} with this one (${size(added)}), past its quota of ${size(quota)}. Remove files your member no longer needs, or ask the operator to raise LINTAS_FILE_QUOTA_MB.`,
    undefined,
    { quotaBytes: quota, usedBytes: used - added, fileBytes: added },
  );
}
