import { parseArgs } from 'node:util';
import { appendAudit } from '../../platform/audit/writer.js';
import { sql } from '../../platform/db/sql.js';
import { UsageError, type Command, type CommandTools } from '../../platform/module.js';
import { MEMBER_CODE } from './schemas.js';

const KINDS = ['state', 'organisation'] as const;
const STATUSES = ['member', 'observer'] as const;
const CODE = new RegExp(MEMBER_CODE.pattern);

function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback?: T): T {
  const chosen = value ?? fallback;
  if (chosen === undefined) throw new UsageError(`--${name} is required (${choices.join(' or ')})`);
  const found = choices.find((choice) => choice === chosen);
  if (!found) throw new UsageError(`--${name} must be ${choices.join(' or ')}, not "${chosen}"`);
  return found;
}

/** `lintas member add CODE --name NAME --kind state|organisation [--status member|observer]`: the first member needs no demo. */
async function memberCommand(tools: CommandTools, action: string | undefined, args: string[]): Promise<number> {
  if (action !== 'add') throw new UsageError('lintas member add CODE --name NAME --kind state|organisation [--status member|observer]');
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [code, ...more] = positionals;
  if (code === undefined) throw new UsageError('lintas member add takes the member code (AUS, IOM, …)');
  if (more.length > 0) throw new UsageError(`unexpected argument "${more[0]}"`);
  if (code.length > MEMBER_CODE.maxLength || !CODE.test(code)) {
    throw new UsageError(`bad member code "${code}": letters, digits, "-" and "_", starting with a letter or digit, at most ${MEMBER_CODE.maxLength} characters`);
  }
  const name = values.name?.trim();
  if (!name || name.length > 200) throw new UsageError('--name is required (at most 200 characters)');
  const kind = oneOf('kind', values.kind, KINDS);
  const status = oneOf('status', values.status, STATUSES, 'member');
  return tools.withDatabase(async (db) => {
    await db.ownerTransaction(async (tx) => {
      if (await tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${code}`)) throw new UsageError(`a member with code ${code} exists already`);
      await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${code}, ${name}, ${kind}, ${status})`);
      await appendAudit(tx, {}, [{ action: 'member.create', objectType: 'member', objectId: code, objectOwner: code, details: { via: 'cli', code, name, kind, status } }]);
    });
    console.log(`Member ${code} created. Add its first user: lintas user add --member ${code} --email ADDRESS --name NAME --roles member-admin`);
    return 0;
  });
}

export const memberCommands: Command = {
  name: 'member',
  help: `  lintas member add CODE --name NAME --kind state|organisation [--status member|observer]
                                       create a member (the first one, on a server started without the demo)`,
  run: (args, tools) => memberCommand(tools, args[0], args.slice(1)),
};
