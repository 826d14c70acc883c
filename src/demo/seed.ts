import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../platform/auth/secrets.js';
import { secondFactorRoles, type Role } from '../platform/auth/roles.js';
import { appendAudit } from '../platform/audit/writer.js';
import type { Database, Tx } from '../platform/db/database.js';
import { sql } from '../platform/db/sql.js';
import { parseCsv } from '../platform/files/csv.js';
import { FILE_TYPES } from '../platform/files/extract-text.js';
import { loadConfig, type Config } from '../platform/config.js';
import { DEMO_TOTP_SECRET } from '../modules/account/index.js';
import { MODULES } from '../modules/index.js';
import { ensureDataKeys } from '../platform/crypto/envelope.js';
import type { LintasModule } from '../platform/module.js';

export const DEMO_PASSWORD = 'lintas-demo-password';
/** The demo officer's TOTP secret (base32), printed at start so a demo user can add it to an authenticator. */
export { DEMO_TOTP_SECRET };
export const DEMO_TOTP_EMAIL = 'officer@aus.demo';

const builtIn = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** The shared data folder when it is beside the repository, else the copy built into the package. */
export function demoDataPath(file: 'members.csv' | 'groups.csv'): string {
  const shared = fileURLToPath(new URL(`../../../shared/data/${file}`, import.meta.url));
  return existsSync(shared) ? shared : builtIn(`data/${file}`);
}

function seedsFolder(): string {
  const shared = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
  return existsSync(shared) ? shared : builtIn('seeds/');
}

interface MemberCsv {
  code: string;
  name: string;
  kind: string;
  status: string;
}
interface GroupCsv {
  code: string;
  name: string;
  members: string;
}

/** The records of a CSV file with a header, as objects by column name, cells trimmed, blank lines left out. */
function readCsv<T>(path: string): T[] {
  const records = parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), ',').filter((cells) => cells.some((cell) => cell.trim() !== ''));
  const header = (records[0] ?? []).map((name) => name.trim());
  return records.slice(1).map((cells) => Object.fromEntries(header.map((name, index) => [name, (cells[index] ?? '').trim()])) as T);
}

/** Demo users: every role at Australia, several at Indonesia (which also holds the secretariat), one officer elsewhere. */
const DEMO_USERS: { member: string; name: string; email: string; roles: Role[] }[] = [
  { member: 'AUS', name: 'Alex Morgan', email: 'officer@aus.demo', roles: ['officer'] },
  { member: 'AUS', name: 'Priya Nair', email: 'analyst@aus.demo', roles: ['analyst'] },
  { member: 'AUS', name: 'Sam Taylor', email: 'liaison@aus.demo', roles: ['liaison'] },
  { member: 'AUS', name: 'Jordan Lee', email: 'approver@aus.demo', roles: ['approver'] },
  { member: 'AUS', name: 'Chris Walker', email: 'admin@aus.demo', roles: ['member-admin', 'officer', 'analyst', 'liaison', 'approver'] },
  { member: 'IDN', name: 'Siti Rahayu', email: 'officer@idn.demo', roles: ['officer'] },
  { member: 'IDN', name: 'Budi Santoso', email: 'analyst@idn.demo', roles: ['analyst', 'approver'] },
  { member: 'IDN', name: 'Dewi Lestari', email: 'admin@idn.demo', roles: ['member-admin', 'officer', 'analyst', 'liaison', 'approver'] },
  { member: 'IDN', name: 'Rizal Hakim', email: 'secretariat@idn.demo', roles: ['secretariat', 'analyst'] },
  { member: 'THA', name: 'Somchai Wongsakul', email: 'officer@tha.demo', roles: ['officer', 'analyst'] },
  { member: 'MYS', name: 'Nurul Aziz', email: 'officer@mys.demo', roles: ['officer', 'liaison'] },
  { member: 'NZL', name: 'Aroha Parata', email: 'analyst@nzl.demo', roles: ['analyst'] },
  { member: 'IOM', name: 'Elena Rossi', email: 'analyst@iom.demo', roles: ['analyst'] },
  { member: 'BEL', name: 'Pieter Claes', email: 'liaison@bel.demo', roles: ['liaison'] },
];

/** What the five seed documents are; a file not listed here is imported as "other" under its first line. */
const SEED_METADATA: Record<string, { title: string; category: string; date: string; summary: string; tags: string[] }> = {
  '000_2d34c0066f3d63ad.txt': {
    title: 'Co-Chairs’ contribution to the High-level Dialogue on International Migration and Development',
    category: 'co-chairs-statement',
    date: '2006-09-28',
    summary: 'Letter from the Permanent Representatives of Australia and Indonesia to the UN Secretary-General with the Steering Group Co-Chairs’ contribution.',
    tags: ['high-level dialogue', 'migration and development'],
  },
  '001_7f3d5da3c569a0fb.txt': {
    title: 'Paper from the co-chairs to the GCIM Workshop on Regional Consultative Processes',
    category: 'co-chairs-statement',
    date: '2005-04-14',
    summary: 'How the process coordinates ministries, works with other consultative processes and measures its results; Geneva, April 2005.',
    tags: ['regional consultative processes', 'coordination'],
  },
  '002_d4d141cce2ff49b6.txt': {
    title: 'Co-Chairs’ letter to the co-facilitators of the Global Compact for Migration',
    category: 'co-chairs-statement',
    date: '2017-11-08',
    summary: 'The co-chairs’ contribution to the preparatory process of the Global Compact on safe, orderly and regular migration.',
    tags: ['global compact', 'migration'],
  },
  '003_421070d0bab25532.txt': {
    title: 'Ad Hoc Group progress report by the Co-Chairs',
    category: 'workshop-report',
    date: '2011-03-30',
    summary: 'Progress of the Ad Hoc Group on people smuggling and trafficking in persons since the Third Regional Ministerial Conference.',
    tags: ['ad hoc group', 'progress report'],
  },
  '004_06b534a546d906d4.txt': {
    title: 'Ad Hoc Group Cluster Group meeting, Perth, December 2009: Co-Chairs’ note',
    category: 'workshop-report',
    date: '2009-12-15',
    summary: 'Outcomes of the Ad Hoc Group cluster meeting on irregular movement by sea in the region.',
    tags: ['ad hoc group', 'irregular movement'],
  },
};

/** A few records that are not shared with all, so the demo shows the sharing rule at work. */
const RESTRICTED_DEMO_DOCUMENTS = [
  {
    owner: 'AUS',
    title: 'Maritime people smuggling: indicators for boarding officers',
    category: 'training-module',
    tlp: 'AMBER',
    audienceKind: 'groups',
    groups: ['ad-hoc-group'],
    members: [] as string[],
    body: 'Indicators that a vessel intercepted at sea is carrying smuggled migrants: overcrowding, lack of safety equipment, crew unable to name the destination port, fuel loads beyond the declared voyage, and passengers holding no travel documents. Officers record what they observe and report it through the incident form; no names are written in the narrative.',
  },
  {
    owner: 'THA',
    title: 'Fraudulent visa stamps seen at land crossings: liaison note',
    category: 'other',
    tlp: 'RED',
    audienceKind: 'members',
    groups: [] as string[],
    members: ['MYS', 'IDN'],
    body: 'Liaison note on counterfeit entry stamps found in passports presented at two land crossings. The stamps imitate the current design but the security ink does not react under ultraviolet light. For the named members only.',
  },
  {
    owner: 'IDN',
    title: 'Draft model provisions on the smuggling of migrants',
    category: 'model-legislation',
    tlp: 'GREEN',
    audienceKind: 'all',
    groups: [] as string[],
    members: [] as string[],
    body: 'Draft model provisions criminalising the smuggling of migrants, aggravating circumstances such as endangering life at sea, and the non-criminalisation of smuggled migrants, for discussion among members.',
  },
] as const;

/**
 * What each demo group coordinates on and which member chairs it (groups.csv, shared with the other
 * data, names only the rosters), and one time-limited group that has ended, so the demo shows a
 * read-only group. Set only where nothing was set, so a demo whose groups were edited keeps the edits.
 */
const DEMO_GROUP_DETAILS: { code: string; theme: string; chair: string }[] = [
  { code: 'steering-group', theme: 'The process’s direction between ministerial conferences', chair: 'IDN' },
  { code: 'ad-hoc-group', theme: 'Irregular movement by sea and regional responses to people smuggling', chair: 'AUS' },
  { code: 'wg-tip', theme: 'Victim identification, protection and the prosecution of trafficking', chair: 'THA' },
  { code: 'wg-disruption', theme: 'Smuggling networks’ money, online recruitment and boat crews', chair: 'MYS' },
  { code: 'task-force', theme: 'Planning for large movements and calling the Consultation Mechanism', chair: 'AUS' },
];
const ENDED_DEMO_GROUP = {
  code: 'andaman-sea-2015',
  name: 'Andaman Sea coordination group (2015)',
  theme: 'Boats adrift in the Andaman Sea and the Bay of Bengal, May 2015',
  chair: 'THA',
  endsOn: '2016-03-23',
  members: ['AUS', 'BGD', 'IDN', 'MMR', 'MYS', 'THA', 'IOM', 'UNHCR'],
};

async function seedDirectory(tx: Tx): Promise<void> {
  for (const member of readCsv<MemberCsv>(demoDataPath('members.csv'))) {
    await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${member.code}, ${member.name}, ${member.kind}, ${member.status}) ON CONFLICT (code) DO NOTHING`);
  }
  for (const group of readCsv<GroupCsv>(demoDataPath('groups.csv'))) {
    await tx.query(sql`INSERT INTO sharing_groups (code, name) VALUES (${group.code}, ${group.name}) ON CONFLICT (code) DO NOTHING`);
    const codes = group.members.split(/\s+/).filter(Boolean);
    await tx.query(sql`INSERT INTO group_members (group_code, member_code) SELECT ${group.code}, unnest(${codes}::text[]) ON CONFLICT DO NOTHING`);
  }
  for (const group of DEMO_GROUP_DETAILS) {
    // The chair only where it is in the roster (a groups.csv of another membership may leave it out).
    await tx.query(sql`UPDATE sharing_groups SET theme = ${group.theme},
        chair = CASE WHEN EXISTS (SELECT 1 FROM group_members WHERE group_code = ${group.code} AND member_code = ${group.chair}) THEN ${group.chair} END
      WHERE code = ${group.code} AND theme IS NULL AND chair IS NULL AND ends_on IS NULL`);
  }
  const ended = ENDED_DEMO_GROUP;
  const inserted = await tx.query(sql`INSERT INTO sharing_groups (code, name, theme, chair, ends_on) VALUES (${ended.code}, ${ended.name}, ${ended.theme}, ${ended.chair}, ${ended.endsOn})
    ON CONFLICT (code) DO NOTHING RETURNING code`);
  if (inserted.length > 0) {
    await tx.query(sql`INSERT INTO group_members (group_code, member_code) SELECT ${ended.code}, code FROM members WHERE code = ANY(${ended.members}::text[])`);
  }
  await tx.query(sql`UPDATE members SET agencies = ARRAY['Australian Border Force', 'Australian Federal Police'] WHERE code = 'AUS' AND agencies = '{}'`);
  await tx.query(sql`UPDATE members SET agencies = ARRAY['Royal Thai Police', 'Immigration Bureau'] WHERE code = 'THA' AND agencies = '{}'`);
  await tx.query(sql`UPDATE members SET agencies = ARRAY['Directorate General of Immigration', 'Indonesian National Police', 'Indonesian Coast Guard (Bakamla)'] WHERE code = 'IDN' AND agencies = '{}'`);
}

async function seedUsers(tx: Tx, config: Config): Promise<void> {
  const hash = await hashPassword(config, DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    const totp = DEMO_TOTP_EMAILS.includes(user.email);
    const added = await tx.maybeOne<{ id: string }>(sql`INSERT INTO users (member, name, email, roles, totp_enabled)
      VALUES (${user.member}, ${user.name}, ${user.email}, ${user.roles}, ${totp})
      ON CONFLICT (email) DO NOTHING RETURNING id`);
    if (added) {
      await tx.query(sql`UPDATE lintas_secrets.user_secrets SET password_hash = ${hash}, totp_secret = ${totp ? DEMO_TOTP_SECRET : null} WHERE user_id = ${added.id}`);
    }
  }
  await tx.query(sql`INSERT INTO focal_points (member, topic, user_id)
    SELECT u.member, t.topic, u.id FROM users u JOIN (VALUES ('admin@aus.demo', 'general'), ('analyst@aus.demo', 'reports'), ('officer@aus.demo', 'documents'),
      ('admin@idn.demo', 'general'), ('analyst@idn.demo', 'reports'), ('secretariat@idn.demo', 'library')) AS t(email, topic) ON t.email = u.email
    ON CONFLICT DO NOTHING`);
}

function seedTitle(text: string): string {
  const line = text.split('\n').map((l) => l.replace(/[*#_]/g, '').trim()).find((l) => l.length > 3) ?? 'Untitled';
  return line.slice(0, 300);
}

/**
 * The plain text of a seed document, which is written in Markdown: emphasis, heading marks, rules
 * and hard-break spaces left out, so neither the page nor a search passage shows `**` or `##`.
 */
export function plainTextOf(markdown: string): string {
  return markdown
    .replace(/\r\n/g, '\n')
    .replace(/\*\*([\s\S]*?)\*\*/g, '$1')
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1$2')
    .replace(/\*\*/g, '')
    .replace(/^[ \t]*#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$/gm, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The name a seed document's file downloads under: its title, without characters file systems refuse. */
export function seedFileName(title: string): string {
  return `${title.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim()}.txt`;
}

/**
 * The five seed documents, owned by the secretariat's member and shared with all: their text as
 * plain text, and the seed file itself as the document's file to download. A seed document loaded
 * before it carried its file (and not edited since) gets its file and plain text now.
 */
async function seedLibrary(tx: Tx): Promise<void> {
  const folder = seedsFolder();
  const files = readdirSync(folder).filter((file) => file.endsWith('.txt')).sort();
  const author = await tx.maybeOne<{ id: string }>(sql`SELECT id FROM users WHERE email = 'secretariat@idn.demo'`);
  for (const file of files) {
    const content = readFileSync(`${folder}/${file}`);
    const source = content.toString('utf8').trim();
    const body = plainTextOf(source);
    const meta = SEED_METADATA[file] ?? { title: seedTitle(body), category: 'other', date: null, summary: '', tags: [] };
    const fileName = seedFileName(meta.title);
    const exists = await tx.maybeOne(sql`SELECT 1 FROM library_documents WHERE title = ${meta.title} AND owner = 'IDN'`);
    if (exists) {
      await tx.query(sql`UPDATE library_documents SET body = ${body}, file_name = ${fileName}, file_type = ${FILE_TYPES.txt}, file_content = ${content}
        WHERE title = ${meta.title} AND owner = 'IDN' AND file_content IS NULL AND body = ${source}`);
      continue;
    }
    await tx.query(sql`INSERT INTO library_documents (title, summary, body, category, tags, languages, doc_date, file_name, file_type, file_content, created_by, owner, audience_kind, tlp)
      VALUES (${meta.title}, ${meta.summary}, ${body}, ${meta.category}, ${meta.tags}, ${['en']}, ${meta.date}, ${fileName}, ${FILE_TYPES.txt}, ${content},
        ${author?.id ?? null}, 'IDN', 'all', 'CLEAR')`);
  }
  for (const doc of RESTRICTED_DEMO_DOCUMENTS) {
    const exists = await tx.maybeOne(sql`SELECT 1 FROM library_documents WHERE title = ${doc.title} AND owner = ${doc.owner}`);
    if (exists) continue;
    await tx.query(sql`INSERT INTO library_documents (title, body, category, languages, owner, audience_kind, audience_members, audience_groups, tlp)
      VALUES (${doc.title}, ${doc.body}, ${doc.category}, ${['en']}, ${doc.owner}, ${doc.audienceKind}, ${[...doc.members]}, ${[...doc.groups]}, ${doc.tlp})`);
  }
}

/** Loads the demo: members and groups, users for every role, the seed documents, then each module's demo data. Running it again adds only what is missing. */
export async function seedDemo(db: Database, config: Config = loadConfig(), modules: readonly LintasModule[] = MODULES): Promise<void> {
  // The demo seals holder details and biographic fields: the data keys must be open.
  await ensureDataKeys(db, config);
  await db.ownerTransaction(async (tx) => {
    await seedDirectory(tx);
    await seedUsers(tx, config);
    await seedLibrary(tx);
    await appendAudit(tx, {}, [{ action: 'demo.seed', details: { users: DEMO_USERS.length } }]);
  });
  for (const module of modules) await module.demo?.(db, config);
}

/** Whether the database has no members yet (a new installation). */
export async function isEmpty(db: Database): Promise<boolean> {
  const row = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM members`));
  return row.n === 0;
}

export const DEMO_SIGN_INS = DEMO_USERS.map((user) => ({ email: user.email, member: user.member, roles: user.roles }));

/**
 * The demo users with the published second factor: the officer, and every administrator, since
 * `member-admin` and `secretariat` must have one (ASVS 4.3.1).
 */
export const DEMO_TOTP_EMAILS: readonly string[] = DEMO_USERS.filter((user) => user.email === DEMO_TOTP_EMAIL || secondFactorRoles(user.roles).length > 0).map((user) => user.email);
