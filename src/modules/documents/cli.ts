import { viewersOf } from '../../platform/sharing/viewers.js';
import { UsageError, type Command } from '../../platform/module.js';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Actor } from '../../platform/auth/actor.js';
import type { Config } from '../../platform/config.js';
import { runAs, type Ctx } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { Problem } from '../../platform/errors.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { isDocumentType, normaliseIssuer, type DocumentType } from './icao.js';
import { importDocuments, readCancelList } from './import.js';
import { parseMrz } from './mrz.js';
import { normaliseDocumentNumber } from './number.js';
import { IndexChanges } from './register.js';
import { cancelKeys, ownIssuer } from './service.js';
import { buildSnapshot, SnapshotRequestError } from './snapshot.js';
import { readSnapshot } from './snapshot-file.js';
import { mrzFieldErrors } from './checks.js';

/**
 * `lintas documents import | cancel | snapshot | check-offline`: the register's work that runs
 * beside the server (an issuer's nightly file, a border post's offline copy).
 */

const DOCUMENTS_HELP = `  lintas documents import --member CODE FILE [--dry-run]
                                       import (or re-import) a member's documents from CSV
  lintas documents cancel --member CODE FILE
                                       cancel the member's documents listed in a CSV (type,number)
  lintas documents snapshot --member CODE --out FILE [--since VERSION]
                                       write a signed offline snapshot (or a delta) of what the member may see;
                                       the public key is written beside it (FILE.pub.pem)
  lintas documents check-offline --snapshot FILE [--delta FILE …] --public-key FILE [--max-age-days 2]
                                 (ISSUER TYPE NUMBER | --mrz "LINE1\\nLINE2")
                                       check a document against a snapshot, without the server`;


type WithDatabase = <T>(work: (db: Database) => Promise<T>) => Promise<T>;

/** Runs `work` as the member, as the command line (no user): row-level security and the audit trail apply. */
export async function asMember<T>(db: Database, config: Config, member: string, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const found = (await db.ownerTransaction((tx) => viewersOf(tx, [member]))).get(member);
  if (!found) throw new UsageError(`unknown member ${member}`);
  const actor: Actor = { userId: '', name: 'lintas command line', email: '', roles: ['member-admin'], via: 'token', ...found };
  const platform = { db, config, mailer: smtpMailer(config) };
  const request = { requestId: `cli-${Date.now()}`, address: 'command line' };
  return runAs(platform, actor, request, work);
}

function problemText(error: Problem): string {
  const lines = (error.errors ?? []).map((item) => {
    const match = /^\/rows\/(\d+)\/(.+)$/.exec(item.pointer);
    return match ? `  row ${match[1]}, column ${match[2]}: ${item.detail}` : `  ${item.pointer}: ${item.detail}`;
  });
  return [error.detail, ...lines].join('\n');
}

function file(path: string | undefined, what: string): string {
  if (!path) throw new UsageError(`${what} is required`);
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  return path;
}

async function documentsRun(config: Config, action: string | undefined, args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      member: { type: 'string' },
      out: { type: 'string' },
      since: { type: 'string' },
      snapshot: { type: 'string' },
      delta: { type: 'string', multiple: true },
      'public-key': { type: 'string' },
      'max-age-days': { type: 'string' },
      mrz: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    strict: true,
  });
  const member = (): string => {
    if (!values.member) throw new UsageError('--member is required');
    return values.member;
  };
  try {
    switch (action) {
      case 'import': {
        const path = file(positionals[0], 'the CSV file');
        return await withDatabase(async (db) => {
          const result = await asMember(db, config, member(), (ctx) =>
            importDocuments(ctx, { name: path, stream: createReadStream(path) }, { dryRun: values['dry-run'] ?? false }, new IndexChanges()),
          );
          console.log(`${result.dryRun ? 'Dry run: would import' : 'Imported'} ${result.rows} rows: ${result.added} added, ${result.changed} changed, ${result.unchanged} unchanged, ${result.cancelled} cancelled.`);
          for (const error of result.errors) console.log(`  row ${error.row}, column ${error.column}: ${error.message}`);
          return result.errors.length > 0 ? 1 : 0;
        });
      }
      case 'cancel': {
        const path = file(positionals[0], 'the CSV file');
        return await withDatabase(async (db) => {
          const result = await asMember(db, config, member(), async (ctx) => {
            const issuer = ownIssuer(ctx);
            const { documents, errors } = await readCancelList(issuer, createReadStream(path));
            if (errors.length > 0) {
              throw new Problem(400, 'Cancellation refused', `${errors.length} rows have errors, so nothing was cancelled.`, errors.map((error) => ({ pointer: `/rows/${error.row}/${error.column}`, detail: error.message })));
            }
            return cancelKeys(ctx, issuer, documents, 'cancelled in bulk (command line)', new IndexChanges());
          });
          console.log(`Cancelled ${result.cancelled}; ${result.alreadyCancelled} were cancelled already; ${result.notFoundCount} not in the register.`);
          for (const doc of result.notFound) console.log(`  not found: ${doc.type} ${doc.number}`);
          return 0;
        });
      }
      case 'snapshot': {
        const out = values.out;
        if (!out) throw new UsageError('--out is required');
        const since = values.since === undefined ? undefined : Number(values.since);
        if (since !== undefined && !(Number.isInteger(since) && since >= 0)) throw new UsageError('--since takes a version number');
        return await withDatabase(async (db) => {
          const result = await buildSnapshot(db, member(), since === undefined ? {} : { since });
          writeFileSync(out, result.file);
          writeFileSync(`${out}.pub.pem`, result.publicPem);
          console.log(
            `${result.baseVersion === null ? 'Snapshot' : `Delta since ${result.baseVersion}`} for ${member()} at version ${result.version}: ` +
              `${result.entries} documents${result.baseVersion === null ? '' : `, ${result.removed} removed`}, written to ${out}.\n` +
              `Public key (also in ${out}.pub.pem):\n${result.publicPem}`,
          );
          return 0;
        });
      }
      case 'check-offline':
        return checkOffline(values, positionals);
      case undefined:
      default:
        throw new UsageError('lintas documents import | cancel | snapshot | check-offline');
    }
  } catch (error) {
    if (error instanceof Problem) {
      console.error(problemText(error));
      return 1;
    }
    if (error instanceof SnapshotRequestError) throw new UsageError(error.message);
    throw error;
  }
}

/** The document a check-offline names: ISSUER TYPE NUMBER, or --mrz. */
function offlineDocument(mrz: string | undefined, positionals: string[]): { issuer: string; type: DocumentType; number: string } {
  if (mrz !== undefined) {
    const parsed = parseMrz(mrz.replace(/\\n/g, '\n'));
    if (!parsed.ok) throw new UsageError(`the MRZ cannot be read:\n${mrzFieldErrors(parsed.errors, 'mrz').map((error) => `  ${error.detail}`).join('\n')}`);
    return { issuer: normaliseIssuer(parsed.document.issuer), type: parsed.document.documentType, number: normaliseDocumentNumber(parsed.document.number) };
  }
  const [issuer, type, number] = positionals;
  if (!issuer || !type || !number) throw new UsageError('give ISSUER TYPE NUMBER, or --mrz');
  if (!isDocumentType(type)) throw new UsageError(`unknown document type ${type}`);
  try {
    return { issuer: normaliseIssuer(issuer), type, number: normaliseDocumentNumber(number) };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function checkOffline(values: { snapshot?: string | undefined; delta?: string[] | undefined; 'public-key'?: string | undefined; 'max-age-days'?: string | undefined; mrz?: string | undefined }, positionals: string[]): number {
  const snapshotPath = file(values.snapshot, '--snapshot');
  const keyPath = file(values['public-key'], '--public-key');
  const maxAgeDays = values['max-age-days'] === undefined ? 2 : Number(values['max-age-days']);
  if (!(maxAgeDays > 0)) throw new UsageError('--max-age-days takes a positive number');
  const doc = offlineDocument(values.mrz, positionals);
  const publicKey = createPublicKey(readFileSync(keyPath));
  try {
    const register = readSnapshot(readFileSync(snapshotPath), publicKey, { now: new Date(), maxAgeDays });
    for (const delta of values.delta ?? []) register.applyDelta(readFileSync(file(delta, '--delta')));
    const answer = register.check(doc.issuer, doc.type, doc.number);
    console.log(answer.hit ? `HIT: ${doc.issuer} ${doc.type} ${doc.number} is registered as ${answer.status}; contact the issuer before acting.` : `no hit: ${doc.issuer} ${doc.type} ${doc.number}`);
    return 0;
  } catch (error) {
    console.error(`lintas: the snapshot is refused: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

export const documentsCommand: Command = {
  name: 'documents',
  help: DOCUMENTS_HELP,
  run: (args, tools) => documentsRun(tools.config, args[0], args.slice(1), tools.withDatabase),
};
