import { parseArgs } from 'node:util';
import { DEMO_TOTP_SECRET, seedDemo } from './demo/seed.js';
import { issueResetLink } from './modules/account/account.js';
import { ROLES } from './platform/auth/roles.js';
import { hashPassword, PASSWORD_RULES } from './platform/auth/secrets.js';
import { totpCode } from './platform/auth/totp.js';
import { appendAudit } from './platform/audit/writer.js';
import { verifyAudit } from './platform/audit/verify.js';
import { loadConfig, type Config } from './platform/config.js';
import type { Database } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
import { sql } from './platform/db/sql.js';
import { smtpMailer } from './platform/notify/mailer.js';
import { startServer } from './server.js';
import { documentsCommand, DocumentsUsageError, DOCUMENTS_HELP } from './modules/documents/cli.js';
import { reportsCommand, ReportsUsageError, REPORTS_HELP } from './modules/reports/cli.js';

const HELP = `lintas: information sharing against people smuggling and trafficking in persons

Usage:
  lintas serve [--demo | --no-demo]    start the server (PORT, LINTAS_DATA, DATABASE_URL); the demo loads
                                       into a new embedded database unless --no-demo
  lintas migrate                       apply database migrations
  lintas seed                          load the demo members, groups, users and library
  lintas user add --member CODE --email ADDRESS --name NAME --roles officer,analyst [--password P]
                                       create a user; prints a one-time link to set the password
  lintas user list [--member CODE]     list users
  lintas user reset-link --email ADDRESS
                                       print (and e-mail, if SMTP is set) a one-time password link
  lintas user totp-code --email ADDRESS
                                       print the current code of a demo user's second factor
  lintas audit verify                  check the audit trail's hash chains; exits 1 naming the first bad row
${DOCUMENTS_HELP}
${REPORTS_HELP}

Roles: ${ROLES.join(', ')}`;

class UsageError extends Error {}

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function userCommand(config: Config, action: string | undefined, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { member: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  switch (action) {
    case 'add': {
      const roles = required(values, 'roles').split(',').map((role) => role.trim());
      const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
      const password = values.password;
      if (password !== undefined && password.length < PASSWORD_RULES.minLength) throw new UsageError(`--password must have at least ${PASSWORD_RULES.minLength} characters`);
      return withDatabase(config, async (db) => {
        const link = await db.ownerTransaction(async (tx) => {
          const member = required(values, 'member');
          if (!(await tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${member}`))) throw new UsageError(`unknown member ${member}`);
          const user = await tx.one<{ id: string; email: string; name: string }>(sql`
            INSERT INTO users (member, name, email, roles, password_hash)
            VALUES (${member}, ${required(values, 'name')}, ${required(values, 'email').toLowerCase()}, ${roles}, ${password ? await hashPassword(password) : null})
            RETURNING id, email, name`);
          await appendAudit(tx, {}, [{ action: 'user.create', objectType: 'user', objectId: user.id, objectOwner: member, details: { via: 'cli', roles } }]);
          return password ? null : issueResetLink(tx, { db, config, mailer: smtpMailer(config) }, user);
        });
        console.log(link ? `User created. Set the password with this one-time link (valid 1 hour):\n${link}` : 'User created.');
        return 0;
      });
    }
    case 'list':
      return withDatabase(config, async (db) => {
        const rows = await db.ownerTransaction((tx) =>
          tx.query<{ email: string; member: string; name: string; roles: string[]; disabled: boolean }>(
            sql`SELECT email, member, name, roles, disabled FROM users WHERE ${values.member ?? null}::text IS NULL OR member = ${values.member ?? null} ORDER BY member, email`,
          ),
        );
        for (const row of rows) console.log(`${row.email.padEnd(32)} ${row.member.padEnd(8)} ${row.roles.join(',').padEnd(28)} ${row.disabled ? 'disabled' : ''} ${row.name}`);
        return 0;
      });
    case 'reset-link':
      return withDatabase(config, async (db) => {
        const link = await db.ownerTransaction(async (tx) => {
          const user = await tx.maybeOne<{ id: string; email: string; name: string; member: string }>(sql`SELECT id, email, name, member FROM users WHERE email = ${required(values, 'email').toLowerCase()}`);
          if (!user) throw new UsageError('no user with that e-mail address');
          await appendAudit(tx, {}, [{ action: 'user.password-reset-issued', objectType: 'user', objectId: user.id, objectOwner: user.member, details: { via: 'cli' } }]);
          return issueResetLink(tx, { db, config, mailer: smtpMailer(config) }, user);
        });
        console.log(link);
        return 0;
      });
    case 'totp-code':
      return withDatabase(config, async (db) => {
        const user = await db.ownerTransaction((tx) => tx.maybeOne<{ totp_secret: string | null }>(sql`SELECT totp_secret FROM users WHERE email = ${required(values, 'email').toLowerCase()}`));
        // Only the demo secret: a real user's codes come from their own authenticator, never from the server.
        if (user?.totp_secret !== DEMO_TOTP_SECRET) throw new UsageError('only the demo user with the published demo secret has codes printed here');
        console.log(totpCode(DEMO_TOTP_SECRET));
        return 0;
      });
    case undefined:
    default:
      throw new UsageError('lintas user add | list | reset-link | totp-code');
  }
}

/** Runs the lintas command; returns the exit code. */
export async function main(argv: string[], config: Config = loadConfig()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, 'no-demo': { type: 'boolean' } }, strict: true });
        const demo = values.demo ? true : values['no-demo'] ? false : undefined;
        const running = await startServer(config, demo === undefined ? {} : { demo });
        const stop = (): void => {
          void running.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return await new Promise<number>(() => undefined);
      }
      case 'migrate':
        return await withDatabase(config, async () => {
          console.log('Migrations are up to date.');
          return 0;
        });
      case 'seed':
        return await withDatabase(config, async (db) => {
          await seedDemo(db, config);
          console.log('Demo data loaded.');
          return 0;
        });
      case 'user':
        return await userCommand(config, rest[0], rest.slice(1));
      case 'documents':
        return await documentsCommand(config, rest[0], rest.slice(1), (work) => withDatabase(config, work));
      case 'reports':
        return await reportsCommand(config, rest[0], rest.slice(1), (work) => withDatabase(config, work));
      case 'audit': {
        if (rest[0] !== 'verify') throw new UsageError('lintas audit verify');
        return await withDatabase(config, async (db) => {
          const verdict = await verifyAudit(db);
          if (verdict.ok) {
            console.log(`Audit trail intact: ${verdict.rows} rows verified.`);
            return 0;
          }
          const bad = verdict.firstBad;
          console.error(`Audit trail BROKEN at row ${bad?.seq} (lane ${bad?.lane}, position ${bad?.laneSeq}): ${bad?.problem}.`);
          return 1;
        });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof DocumentsUsageError || error instanceof ReportsUsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`lintas: ${error.message}\n\n${HELP}`);
      return 2;
    }
    console.error(`lintas: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
