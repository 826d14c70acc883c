import { parseArgs } from 'node:util';
import { ROLES } from '../../platform/auth/roles.js';
import { hashPassword, PASSWORD_RULES } from '../../platform/auth/secrets.js';
import { appendAudit } from '../../platform/audit/writer.js';
import { sql } from '../../platform/db/sql.js';
import { UsageError, type Command, type CommandTools } from '../../platform/module.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { passwordRefusal, passwordUserInputs } from '../../platform/auth/password-strength.js';
import { issueResetLink } from '../../platform/auth/reset-links.js';
import { FolderLockedError } from '../../platform/db/folder-lock.js';
import { askDemoServer, demoTotpCode } from './demo-code.js';
import { PROOFING_LENGTH, resetLostSecondFactor } from './second-factor-reset.js';

const NOT_DEMO = 'only a demo user with the published demo secret has codes printed here';

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function userCommand(tools: CommandTools, action: string | undefined, args: string[]): Promise<number> {
  const { config, withDatabase } = tools;
  const { values, positionals } = parseArgs({
    args,
    options: { member: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, password: { type: 'string' }, proofing: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  // Only totp-code takes its address without --email (as the start banner prints it).
  if (action === 'totp-code' && positionals.length === 1 && values.email === undefined) values.email = positionals[0];
  else if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  switch (action) {
    case 'add': {
      const roles = required(values, 'roles').split(',').map((role) => role.trim());
      const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
      const password = values.password;
      if (password !== undefined && password.length < PASSWORD_RULES.minLength) throw new UsageError(`--password must have at least ${PASSWORD_RULES.minLength} characters`);
      const refusal = password === undefined ? null : await passwordRefusal(password, passwordUserInputs({ email: required(values, 'email'), name: required(values, 'name') }));
      if (refusal) throw new UsageError(`--password: ${refusal}`);
      return withDatabase(async (db) => {
        const link = await db.ownerTransaction(async (tx) => {
          const member = required(values, 'member');
          if (!(await tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${member}`))) throw new UsageError(`unknown member ${member}`);
          const user = await tx.one<{ id: string; email: string; name: string }>(sql`
            INSERT INTO users (member, name, email, roles)
            VALUES (${member}, ${required(values, 'name')}, ${required(values, 'email').toLowerCase()}, ${roles})
            RETURNING id, email, name`);
          if (password) await tx.query(sql`UPDATE lintas_secrets.user_secrets SET password_hash = ${await hashPassword(config, password)} WHERE user_id = ${user.id}`);
          await appendAudit(tx, {}, [{ action: 'user.create', objectType: 'user', objectId: user.id, objectOwner: member, details: { via: 'cli', roles } }]);
          return password ? null : issueResetLink(tx, { db, config, mailer: smtpMailer(config) }, user);
        });
        console.log(link ? `User created. Set the password with this one-time link (valid 1 hour):\n${link}` : 'User created.');
        return 0;
      });
    }
    case 'list':
      return withDatabase(async (db) => {
        const rows = await db.ownerTransaction((tx) =>
          tx.query<{ email: string; member: string; name: string; roles: string[]; disabled: boolean }>(
            sql`SELECT email, member, name, roles, disabled FROM users WHERE ${values.member ?? null}::text IS NULL OR member = ${values.member ?? null} ORDER BY member, email`,
          ),
        );
        for (const row of rows) console.log(`${row.email.padEnd(32)} ${row.member.padEnd(8)} ${row.roles.join(',').padEnd(28)} ${row.disabled ? 'disabled' : ''} ${row.name}`);
        return 0;
      });
    case 'reset-link':
      return withDatabase(async (db) => {
        const link = await db.ownerTransaction(async (tx) => {
          const user = await tx.maybeOne<{ id: string; email: string; name: string; member: string }>(sql`SELECT id, email, name, member FROM users WHERE email = ${required(values, 'email').toLowerCase()}`);
          if (!user) throw new UsageError('no user with that e-mail address');
          await appendAudit(tx, {}, [{ action: 'user.password-reset-issued', objectType: 'user', objectId: user.id, objectOwner: user.member, details: { via: 'cli' } }]);
          return issueResetLink(tx, { db, config, mailer: smtpMailer(config) }, user);
        });
        console.log(link);
        return 0;
      });
    case 'second-factor-reset': {
      // The operator's way when no administrator can (the only secretariat user lost its factor).
      const proofing = required(values, 'proofing').trim();
      if (proofing.length < PROOFING_LENGTH.min) throw new UsageError(`--proofing must say, in at least ${PROOFING_LENGTH.min} characters, how the person who asked was proofed`);
      return withDatabase(async (db) => {
        await db.ownerTransaction(async (tx) => {
          const user = await tx.maybeOne<{ id: string; email: string; name: string; member: string; totp_enabled: boolean }>(
            sql`SELECT id, email, name, member, totp_enabled FROM users WHERE email = ${required(values, 'email').toLowerCase()}`,
          );
          if (!user) throw new UsageError('no user with that e-mail address');
          if (!user.totp_enabled) throw new UsageError('that user has no second factor to reset');
          await resetLostSecondFactor(tx, user, proofing, { audit: (event) => appendAudit(tx, {}, [event]), address: "the operator's command line", via: 'cli' });
        });
        console.log('Second factor reset: the user\'s sessions ended; its next sign-in sets up a new authenticator.');
        return 0;
      });
    }
    case 'totp-code': {
      const email = required(values, 'email');
      let code: string | null;
      try {
        code = await withDatabase((db) => db.ownerTransaction((tx) => demoTotpCode(tx, email)));
      } catch (error) {
        // A server holds the embedded database: in demo mode it answers for it.
        if (!(error instanceof FolderLockedError)) throw error;
        const asked = await askDemoServer(config.dataDir, email);
        if (asked.answer === 'no demo server') throw new Error(`${error.message}; it is not in demo mode, so it prints no codes`);
        code = asked.answer === 'code' ? asked.code : null;
      }
      if (code === null) throw new UsageError(NOT_DEMO);
      console.log(code);
      return 0;
    }
    case undefined:
    default:
      throw new UsageError('lintas user add | list | reset-link | second-factor-reset | totp-code');
  }
}

export const userCommands: Command = {
  name: 'user',
  help: `  lintas user add --member CODE --email ADDRESS --name NAME --roles officer,analyst [--password P]
                                       create a user; prints a one-time link to set the password
  lintas user list [--member CODE]     list users
  lintas user reset-link --email ADDRESS
                                       print (and e-mail, if SMTP is set) a one-time password link
  lintas user second-factor-reset --email ADDRESS --proofing TEXT
                                       remove the second factor of a user who lost it (and its
                                       sessions), once you have proofed the person as at enrolment;
                                       TEXT (how) goes into the audit trail
  lintas user totp-code [--email] ADDRESS
                                       print the current code of a demo user's second factor
                                       (while a demo server runs on the embedded database, it answers)`,
  run: (args, tools) => userCommand(tools, args[0], args.slice(1)),
};
