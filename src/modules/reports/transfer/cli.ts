import { viewersOf } from '../../../platform/sharing/viewers.js';
import { UsageError, type CommandTools } from '../../../platform/module.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { Actor } from '../../../platform/auth/actor.js';
import { ROLES, roleAllows, type Action, type Role } from '../../../platform/auth/roles.js';
import type { Config } from '../../../platform/config.js';
import { runAs } from '../../../platform/context.js';
import type { Database } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { Problem } from '../../../platform/errors.js';
import { validateValue } from '../../../platform/http/validate.js';
import { smtpMailer } from '../../../platform/notify/mailer.js';
import type { SharingInput } from '../../../platform/sharing/model.js';
import { toCsv } from '../../../platform/files/csv.js';
import { exportReports, toXlsx } from './export.js';
import { importReports, readImportTable } from './import/import-reports.js';
import { ImportOptions, type ImportResult } from './import/schemas.js';
import { readAudience } from './import/template.js';

/**
 * `lintas reports import` and `lintas reports export` (the top cli.ts offers them): a member's file
 * of reports in or out without the web app, as a named user of the member (`--as`), so the audit
 * trail names who did it and the user's roles decide, exactly as through the API (the same import
 * and export code, in one transaction).
 */

type WithDatabase = CommandTools['withDatabase'];

function requiredValue(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The acting user (`--as`), who must belong to the member, be enabled, and hold a role that allows the action. */
async function actingUser(db: Database, member: string, email: string, action: Action): Promise<Actor> {
  const found = await db.ownerTransaction(async (tx) => {
    const memberRow = await tx.maybeOne<{ status: string }>(sql`SELECT status FROM members WHERE code = ${member}`);
    if (!memberRow) throw new UsageError(`unknown member ${member}`);
    const user = await tx.maybeOne<{ id: string; name: string; email: string; member: string; roles: string[]; disabled: boolean }>(
      sql`SELECT id, name, email, member, roles, disabled FROM users WHERE email = ${email.toLowerCase()}`,
    );
    if (!user || user.member !== member) throw new UsageError(`${member} has no user ${email}`);
    if (user.disabled) throw new UsageError(`the user ${email} is disabled`);
    const viewer = (await viewersOf(tx, [member])).get(member);
    return { user, full: memberRow.status === 'member', groups: viewer?.groups ?? [], endedGroups: viewer?.endedGroups ?? [] };
  });
  const actor: Actor = {
    userId: found.user.id,
    name: found.user.name,
    email: found.user.email,
    roles: found.user.roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role)),
    via: 'token',
    member,
    fullMember: found.full,
    groups: found.groups,
    endedGroups: found.endedGroups,
  };
  if (!roleAllows(actor.roles, action)) throw new UsageError(`${email} may not ${action === 'reports.import' ? 'import' : 'export'} reports (roles: ${actor.roles.join(', ') || 'none'})`);
  return actor;
}

const request = () => ({ requestId: `cli-${Date.now()}`, address: 'command line' });

/** A refused import or a bad file, as lines a person can act on: one per row and column. */
function problemText(error: Problem): string {
  const lines = (error.errors ?? []).map((item) => {
    const match = /^\/rows\/(\d+)\/(.+)$/.exec(item.pointer);
    return match ? `  row ${match[1]}, column ${(match[2] ?? '').replace(/~1/g, '/').replace(/~0/g, '~')}: ${item.detail}` : `  ${item.pointer}: ${item.detail}`;
  });
  return [`${error.title}: ${error.detail}`, ...lines].join('\n');
}

function printResult(result: ImportResult): void {
  const verb = result.dryRun ? 'Dry run (nothing written): would import' : 'Imported';
  console.log(`${verb} ${result.imported}, updated ${result.updated}, unchanged ${result.unchanged}, rejected ${result.rejected} of ${result.rows} rows (${result.encoding}${result.delimiter ? `, delimiter "${result.delimiter}"` : ''}).`);
  for (const skipped of result.skipped) console.log(`  row ${skipped.row} skipped: ${skipped.reason}`);
  for (const { column, format, rows } of result.dates) console.log(`  ${column}: ${rows} date(s) read as ${format}`);
  for (const error of result.errors) console.log(`  row ${error.row}, column ${error.column}: ${error.message}`);
  for (const warning of result.warnings) console.log(`  row ${warning.row}, column ${warning.column} (warning): ${warning.message}`);
}

function defaultSharing(audience: string | undefined, tlp: string | undefined): SharingInput | undefined {
  if (audience === undefined && tlp === undefined) return undefined;
  if (audience === undefined || tlp === undefined) throw new UsageError('--audience and --tlp go together');
  try {
    return { audience: readAudience(audience) as SharingInput['audience'], tlp: tlp.toUpperCase() as SharingInput['tlp'] };
  } catch (error) {
    throw new UsageError(`--audience ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function importCommand(config: Config, args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      member: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' }, 'dry-run': { type: 'boolean' }, partial: { type: 'boolean' },
      audience: { type: 'string' }, tlp: { type: 'string' }, status: { type: 'string' }, 'date-order': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const member = requiredValue(values, 'member');
  const email = requiredValue(values, 'as');
  const path = positionals[0];
  if (!path || positionals.length > 1) throw new UsageError('give exactly one FILE to import');
  if (!existsSync(path)) throw new UsageError(`the file ${path} does not exist`);
  const formatName = values.format ?? 'template';
  if (formatName !== 'template' && formatName !== 'missing-migrants') throw new UsageError('--format is template or missing-migrants');
  const sharing = defaultSharing(values.audience, values.tlp);
  let options: ImportOptions;
  try {
    options = validateValue(ImportOptions, {
      format: formatName === 'template' ? 'lintas' : 'missing-migrants',
      ...(values['dry-run'] ? { dryRun: true } : {}),
      ...(values.partial ? { partial: true } : {}),
      ...(sharing ? { sharing } : {}),
      ...(values.status ? { status: values.status } : {}),
      ...(values['date-order'] ? { dateOrder: values['date-order'] } : {}),
    });
  } catch (error) {
    if (error instanceof Problem) throw new UsageError((error.errors ?? []).map((item) => `${item.pointer.replace(/^\//, '--')} ${item.detail}`).join('; '));
    throw error;
  }
  return withDatabase(async (db) => {
    const actor = await actingUser(db, member, email, 'reports.import');
    const content = readFileSync(path);
    try {
      const table = await readImportTable(content, options, path);
      const platform = { db, config, mailer: smtpMailer(config) };
      const result = await runAs(platform, actor, request(), (ctx) => importReports(ctx, options, table, { name: basename(path), content }));
      printResult(result);
      return result.dryRun && result.rejected > 0 ? 1 : 0;
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      console.error(problemText(error));
      return 1;
    }
  });
}

export async function exportCommand(config: Config, args: string[], withDatabase: WithDatabase): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { member: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const member = requiredValue(values, 'member');
  const email = requiredValue(values, 'as');
  const format = requiredValue(values, 'format');
  if (format !== 'csv' && format !== 'xlsx') throw new UsageError('--format is csv or xlsx');
  const out = requiredValue(values, 'out');
  return withDatabase(async (db) => {
    const actor = await actingUser(db, member, email, 'reports.export');
    const platform = { db, config, mailer: smtpMailer(config) };
    try {
      const rows = await runAs(platform, actor, request(), (ctx) => exportReports(ctx, {}, format));
      writeFileSync(out, format === 'csv' ? toCsv(rows) : await toXlsx(rows));
      console.log(`Exported ${rows.length - 1} reports to ${out}.`);
      return 0;
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      console.error(problemText(error));
      return 1;
    }
  });
}
