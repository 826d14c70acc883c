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

function help(modules: readonly LintasModule[]): string {
  return `lintas: information sharing against people smuggling and trafficking in persons

Usage:
  lintas serve [--demo | --no-demo]    start the server (PORT, LINTAS_DATA, DATABASE_URL); the demo loads
                                       into a new embedded database unless --no-demo
  lintas migrate                       apply database migrations
  lintas seed                          load the demo members, groups, users, library and module data
${BACKUP_HELP}
${modules.flatMap((module) => module.commands ?? []).map((command) => command.help).join('\n')}

Roles: ${ROLES.join(', ')}`;
}

/** Runs the lintas command; returns the exit code. */
export async function main(argv: string[], config: Config = loadConfig(), modules: readonly LintasModule[] = MODULES): Promise<number> {
  const [command, ...rest] = argv;
  const tools: CommandTools = {
    config,
    async withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
      const db = await openDatabase(config);
      try {
        await migrate(db, migrationsOf(modules));
        return await work(db);
      } finally {
        await db.close();
      }
    },
  };
  try {
    readAllSettings(modules, config);
    const moduleCommand = modules.flatMap((module) => module.commands ?? []).find((candidate) => candidate.name === command);
    if (moduleCommand) return await moduleCommand.run(rest, tools);
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, 'no-demo': { type: 'boolean' } }, strict: true });
        const demo = values.demo ? true : values['no-demo'] ? false : undefined;
        const running = await startServer(config, { ...(demo === undefined ? {} : { demo }), modules });
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

/** What went wrong, in words: an error's message, or what a thrown non-error holds (never "[object Object]"). */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return inspect(error, { depth: 2, breakLength: Infinity });
}
