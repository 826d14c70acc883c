import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { FolderLockedError } from '../db/folder-lock.js';
import type { Migration } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { UsageError } from '../module.js';
import { makeBackup } from './backup.js';
import { BackupRefused, newIdentity, parseRecipients } from './envelope.js';
import { restoreBackup, RestoreMismatch } from './restore.js';

export const BACKUP_HELP = `  lintas backup --out FILE [--recipient age1… …] [--recipients-file FILE]
                                       an encrypted, checksummed backup of the database, taken online
                                       (age, to LINTAS_BACKUP_RECIPIENT when no recipient is given)
  lintas backup keygen --out FILE      a new age identity in FILE (keep it offline) and its recipient in FILE.pub
  lintas restore --in FILE --identity FILE [--other-data-key]
                                       restore a backup into an empty database of either kind, then
                                       verify it; exits 1 on a refused file or any mismatch`;

/** `lintas backup …`: returns the exit code. */
export async function backupCommand(args: string[], config: Config): Promise<number> {
  if (args[0] === 'keygen') return keygen(args.slice(1));
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, recipient: { type: 'string', multiple: true }, 'recipients-file': { type: 'string' } },
    strict: true,
  });
  if (positionals.length > 0 || !values.out) throw new UsageError('lintas backup --out FILE [--recipient age1… …] [--recipients-file FILE]');
  const recipients = [
    ...(values.recipient ?? []),
    ...(values['recipients-file'] ? parseRecipients(readFileSync(values['recipients-file'], 'utf8')) : []),
  ];
  if (recipients.length === 0 && config.env.LINTAS_BACKUP_RECIPIENT) recipients.push(...config.env.LINTAS_BACKUP_RECIPIENT.split(',').map((text) => text.trim()));
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'PG_VERSION'))) return refuse(`there is no embedded database in ${config.dataDir} to back up`);
  try {
    const db = await openDatabase(config);
    try {
      const manifest = await makeBackup(db, config, { out: values.out, recipients });
      const rows = Object.values(manifest.rows).reduce((sum, n) => sum + n, 0);
      console.log(`Backup written to ${values.out}: ${manifest.database === 'pglite' ? 'the embedded database' : 'the PostgreSQL database'}, ${rows} rows in ${Object.keys(manifest.rows).length} tables, ${manifest.audit.rows} audit rows; decrypt with the identity of ${recipients.join(', ')}.`);
      if (manifest.dataKeyFingerprint) console.log(`The data key (fingerprint ${manifest.dataKeyFingerprint}) is not in the backup: keep it apart from it.`);
      return 0;
    } finally {
      await db.close();
    }
  } catch (error) {
    if (error instanceof FolderLockedError) {
      return refuse(
        `${error.message}. An embedded database is backed up by the one process that may open it: stop the server, run lintas backup, start it again (it takes seconds); for backups without a stop, run Lintas on a PostgreSQL server (DATABASE_URL), whose backups are taken online`,
      );
    }
    if (error instanceof BackupRefused) return refuse(error.message);
    throw error;
  }
}

async function keygen(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (positionals.length > 0 || !values.out) throw new UsageError('lintas backup keygen --out FILE');
  const { identityFile, recipient } = await newIdentity();
  for (const [path, text, mode] of [[values.out, identityFile, 0o600], [`${values.out}.pub`, `${recipient}\n`, 0o644]] as const) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return refuse(`${path} already exists; keygen never overwrites a key`);
      throw error;
    }
    writeSync(fd, text);
    closeSync(fd);
  }
  console.log(`Identity written to ${values.out} (keep it offline: it is the only way to read the backups); its recipient, in ${values.out}.pub:\n${recipient}`);
  return 0;
}

/** `lintas restore …`: returns the exit code. */
export async function restoreCommand(args: string[], config: Config, migrations: readonly Migration[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { in: { type: 'string' }, identity: { type: 'string' }, 'other-data-key': { type: 'boolean' } },
    strict: true,
  });
  if (positionals.length > 0 || !values.in || !values.identity) throw new UsageError('lintas restore --in FILE --identity FILE [--other-data-key]');
  try {
    const report = await restoreBackup(config, { in: values.in, identityFile: values.identity, migrations, otherDataKey: values['other-data-key'] === true });
    const rows = Object.values(report.manifest.rows).reduce((sum, n) => sum + n, 0);
    console.log(
      `Restored the backup of ${report.manifest.createdAt}: ${rows} rows in ${Object.keys(report.manifest.rows).length} tables as in its manifest; audit trail intact: ${report.auditRows} rows verified.`,
    );
    if (report.dataKeyWarning) console.error(`lintas: warning: ${report.dataKeyWarning}`);
    return 0;
  } catch (error) {
    if (error instanceof BackupRefused) return refuse(`${error.message}; nothing was restored`);
    if (error instanceof RestoreMismatch) return refuse(`${error.message}: do not use the restored database`);
    throw error;
  }
}

function refuse(message: string): number {
  console.error(`lintas: ${message}`);
  return 1;
}
