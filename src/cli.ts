import { inspect, parseArgs } from 'node:util';
import { seedDemo } from './demo/seed.js';
import { MODULES } from './modules/index.js';
import { ROLES } from './platform/auth/roles.js';
import { BACKUP_HELP, backupCommand, restoreCommand } from './platform/backup/cli.js';
import { loadConfig, type Config } from './platform/config.js';
import type { Database } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
import { migrationsOf, readAllSettings, UsageError, type CommandTools, type LintasModule } from './platform/module.js';
import { startServer } from './server.js';
import { openDataKeys } from './platform/crypto/envelope.js';
import { pepperStoredPasswords } from './platform/auth/secrets.js';
import { dropKey, listKeys, rotateKeys } from './platform/crypto/rotation.js';

function help(modules: readonly LintasModule[]): string {
  return `lintas: information sharing against people smuggling and trafficking in persons

Usage:
  lintas serve [--demo | --no-demo]    start the server (PORT, LINTAS_DATA, DATABASE_URL); --demo loads the
                                       demo into a new database (--no-demo, the default, loads nothing)
  lintas migrate                       apply database migrations
  lintas seed                          load the demo members, groups, users, library and module data
${BACKUP_HELP}
  lintas keys list                     the key ring's keys (current first) and how many data keys each wraps
  lintas keys rotate [--reencrypt]     re-wrap every data key under a new key (put first in the key file, or
                                       first in LINTAS_DATA_KEYS or its command's answer); --reencrypt also
                                       seals every value again
                                       under new data keys
  lintas keys drop ID                  take a key no data key needs any more out of the key file
${modules.flatMap((module) => module.commands ?? []).map((command) => command.help).join('\n')}

Roles: ${ROLES.join(', ')}`;
}

/** Runs the lintas command; returns the exit code. */
export async function main(argv: string[], config: Config = loadConfig(), modules: readonly LintasModule[] = MODULES): Promise<number> {
  const [command, ...rest] = argv;
  const migrated = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase(config);
    try {
      await migrate(db, migrationsOf(modules));
      return await work(db);
    } finally {
      await db.close();
    }
  };
  const tools: CommandTools = {
    config,
    withDatabase: (work) =>
      migrated(async (db) => {
        await openDataKeys(db, config);
        await pepperStoredPasswords(db, config);
        return work(db);
      }),
  };
  try {
    readAllSettings(modules, config);
    const moduleCommand = modules.flatMap((module) => module.commands ?? []).find((candidate) => candidate.name === command);
    if (moduleCommand) return await moduleCommand.run(rest, tools);
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, 'no-demo': { type: 'boolean' } }, strict: true });
        if (values.demo && values['no-demo']) throw new UsageError('lintas serve takes --demo or --no-demo, not both');
        const running = await startServer(config, { demo: values.demo === true, modules });
        const stop = (): void => {
          void running.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return await new Promise<number>(() => undefined);
      }
      case 'migrate':
        return await tools.withDatabase(async () => {
          console.log('Migrations are up to date.');
          return 0;
        });
      case 'seed':
        return await tools.withDatabase(async (db) => {
          await seedDemo(db, config, modules);
          console.log('Demo data loaded.');
          return 0;
        });
      case 'backup':
        return await backupCommand(rest, config);
      case 'restore':
        return await restoreCommand(rest, config, migrationsOf(modules));
      case 'keys':
        return await migrated((db) => keysCommand(db, config, modules, rest));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(help(modules));
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`lintas: ${error.message}\n\n${help(modules)}`);
      return 2;
    }
    console.error(`lintas: ${describeError(error)}`);
    return 1;
  }
}

/** `lintas keys list | rotate [--reencrypt] | drop <id>`. */
async function keysCommand(db: Database, config: Config, modules: readonly LintasModule[], args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { reencrypt: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [action, id, ...more] = positionals;
  if (more.length > 0) throw new UsageError(`lintas keys takes one key id, got ${positionals.length - 1}`);
  switch (action) {
    case 'list': {
      for (const key of await listKeys(db, config)) console.log(`${key.id}  ${key.current ? 'current' : key.wraps > 0 ? 'in use ' : 'unused '}  wraps ${key.wraps} data key(s)`);
      return 0;
    }
    case 'rotate': {
      const rotation = await rotateKeys(db, config, modules.flatMap((module) => module.sealedColumns ?? []), { reencrypt: values.reencrypt ?? false });
      if (rotation.added) console.log(`Added key ${rotation.added} first in the key file.`);
      console.log(`Every data key is wrapped with key ${rotation.kek} now (${rotation.rewrapped} re-wrapped).`);
      for (const [column, count] of Object.entries(rotation.resealed ?? {})) console.log(`  ${column}: ${count} value(s) sealed again`);
      console.log('Once every server process has the new key ring, the other keys can be dropped: lintas keys drop <id>.');
      return 0;
    }
    case 'drop': {
      if (!id) throw new UsageError('lintas keys drop takes the id of the key to drop (lintas keys list)');
      const dropped = await dropKey(db, config, id);
      console.log(dropped.fromFile ? `Key ${id} is out of the key file.` : `No data key needs key ${id}: take it out of ${dropped.source}.`);
      return 0;
    }
    case undefined:
      throw new UsageError('lintas keys takes list, rotate or drop');
    default:
      throw new UsageError(`unknown keys command "${action}"`);
  }
}

/** What went wrong, in words: an error's message, or what a thrown non-error holds (never "[object Object]"). */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return inspect(error, { depth: 2, breakLength: Infinity });
}
