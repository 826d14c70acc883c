import { secondFactorRoles, type Role } from '../../platform/auth/roles.js';
import { assertRecentlyAuthenticated } from '../../platform/auth/reauthentication.js';
import { sessionsChanged, type SessionState } from '../../platform/auth/sessions.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { conflict, forbidden, invalid, notFound, Problem, type FieldError } from '../../platform/errors.js';
import { issueResetLink } from '../../platform/auth/reset-links.js';
import type { TOPICS } from './schemas.js';
import type { FocalPointsPut, GroupCreate, GroupUpdate, MemberCreate, MemberUpdate, SecondFactorReset, UserCreate, UserUpdate } from './schemas.js';
import { resetLostSecondFactor } from '../account/index.js';

const isSecretariat = (ctx: Ctx): boolean => ctx.actor.roles.includes('secretariat');
const isAdminOf = (ctx: Ctx, member: string): boolean => isSecretariat(ctx) || (ctx.actor.roles.includes('member-admin') && ctx.actor.member === member);

export async function listMembers(ctx: Ctx) {
  return ctx.tx.query<{ code: string; name: string; kind: 'state' | 'organisation'; status: 'member' | 'observer' }>(
    sql`SELECT code, name, kind, status FROM members ORDER BY status, name`,
  );
}

export async function getMember(ctx: Ctx, code: string) {
  const member = await ctx.tx.maybeOne<{ code: string; name: string; kind: 'state' | 'organisation'; status: 'member' | 'observer'; requires_totp: boolean; agencies: string[] }>(
    sql`SELECT code, name, kind, status, requires_totp, agencies FROM members WHERE code = ${code}`,
  );
  if (!member) throw notFound();
  // A group's roster is visible to its members and the secretariat only.
  const groups = await ctx.tx.query<{ code: string; name: string }>(sql`
    SELECT g.code, g.name FROM sharing_groups g JOIN group_members gm ON gm.group_code = g.code AND gm.member_code = ${code}
    WHERE ${isSecretariat(ctx)} OR EXISTS (SELECT 1 FROM group_members mine WHERE mine.group_code = g.code AND mine.member_code = ${ctx.actor.member})
    ORDER BY g.name`);
  const focalPoints = await ctx.tx.query<{ topic: (typeof TOPICS)[number]; userId: string; name: string; email: string }>(sql`
    SELECT f.topic, u.id AS "userId", u.name, u.email FROM focal_points f JOIN users u ON u.id = f.user_id
    WHERE f.member = ${code} AND NOT u.disabled ORDER BY f.topic, u.name`);
  const admin = isAdminOf(ctx, code);
  return {
    data: { code: member.code, name: member.name, kind: member.kind, status: member.status, requiresTotp: member.requires_totp, agencies: member.agencies, groups, focalPoints },
    abilities: { update: admin, manageUsers: admin, manageFocalPoints: admin },
  };
}

export async function createMember(ctx: Ctx, input: MemberCreate) {
  const exists = await ctx.tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${input.code}`);
  if (exists) throw conflict(`A member with code ${input.code} exists already.`);
  await ctx.tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${input.code}, ${input.name}, ${input.kind}, ${input.status})`);
  await ctx.audit({ action: 'member.create', objectType: 'member', objectId: input.code, objectOwner: input.code, details: { ...input } });
  return getMember(ctx, input.code);
}

export async function updateMember(ctx: Ctx, code: string, input: MemberUpdate) {
  const current = await ctx.tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${code} FOR UPDATE`);
  if (!current) throw notFound();
  if (!isAdminOf(ctx, code)) throw forbidden();
  if (!isSecretariat(ctx) && (input.name !== undefined || input.status !== undefined)) {
    throw forbidden('Only the secretariat changes a member’s name or status.');
  }
  await ctx.tx.query(sql`UPDATE members SET
    name = coalesce(${input.name ?? null}, name),
    status = coalesce(${input.status ?? null}, status),
    requires_totp = coalesce(${input.requiresTotp ?? null}::boolean, requires_totp),
    agencies = coalesce(${input.agencies ?? null}::text[], agencies)
    WHERE code = ${code}`);
  await ctx.audit({ action: 'member.update', objectType: 'member', objectId: code, objectOwner: code, details: { ...input } });
  await sessionsChanged(ctx.tx);
  return getMember(ctx, code);
}

export async function setFocalPoints(ctx: Ctx, code: string, input: FocalPointsPut) {
  const member = await ctx.tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${code}`);
  if (!member) throw notFound();
  if (!isAdminOf(ctx, code)) throw forbidden();
  const ids = [...new Set(input.focalPoints.map((point) => point.userId))];
  const found = await ctx.tx.query<{ id: string }>(sql`SELECT id FROM users WHERE member = ${code} AND id = ANY(${ids}::uuid[]) AND NOT disabled`);
  const known = new Set(found.map((row) => row.id));
  const errors: FieldError[] = [];
  input.focalPoints.forEach((point, index) => {
    if (!known.has(point.userId)) errors.push({ pointer: `/focalPoints/${index}/userId`, detail: 'not an active user of this member' });
  });
  if (errors.length > 0) throw invalid(errors);
  await ctx.tx.query(sql`DELETE FROM focal_points WHERE member = ${code}`);
  for (const point of input.focalPoints) {
    await ctx.tx.query(sql`INSERT INTO focal_points (member, topic, user_id) VALUES (${code}, ${point.topic}, ${point.userId}) ON CONFLICT DO NOTHING`);
  }
  await ctx.audit({ action: 'member.focal-points', objectType: 'member', objectId: code, objectOwner: code, details: { focalPoints: input.focalPoints } });
  return getMember(ctx, code);
}

interface GroupRow {
  code: string;
  name: string;
  theme: string | null;
  chair: string | null;
  ends_on: string | null;
  ended: boolean;
  members: string[];
}

const presentGroup = (row: GroupRow) => ({ code: row.code, name: row.name, theme: row.theme, chair: row.chair, endsOn: row.ends_on, ended: row.ended, members: row.members });

function groupQuery(ctx: Ctx, code: string | null) {
  return sql`SELECT g.code, g.name, g.theme, g.chair, g.ends_on, coalesce(g.ends_on < current_date, false) AS ended,
      ARRAY(SELECT member_code FROM group_members WHERE group_code = g.code ORDER BY 1) AS members
    FROM sharing_groups g
    WHERE (${code}::text IS NULL OR g.code = ${code})
      AND (${isSecretariat(ctx)} OR EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_code = g.code AND gm.member_code = ${ctx.actor.member}))
    ORDER BY g.name`;
}

/** The groups the viewer's member belongs to; the secretariat sees every group. */
export async function listGroups(ctx: Ctx) {
  return (await ctx.tx.query<GroupRow>(groupQuery(ctx, null))).map(presentGroup);
}

export async function getGroup(ctx: Ctx, code: string) {
  const row = await ctx.tx.maybeOne<GroupRow>(groupQuery(ctx, code));
  if (!row) throw notFound();
  return presentGroup(row);
}

async function checkMemberCodes(ctx: Ctx, codes: readonly string[], pointer: string): Promise<FieldError[]> {
  const found = await ctx.tx.query<{ code: string }>(sql`SELECT code FROM members WHERE code = ANY(${[...codes]}::text[])`);
  const known = new Set(found.map((row) => row.code));
  return codes.flatMap((code, index) => (known.has(code) ? [] : [{ pointer: `${pointer}/${index}`, detail: `unknown member "${code}"` }]));
}

async function writeRoster(ctx: Ctx, code: string, members: readonly string[]): Promise<void> {
  await ctx.tx.query(sql`DELETE FROM group_members WHERE group_code = ${code}`);
  await ctx.tx.query(sql`INSERT INTO group_members (group_code, member_code) SELECT ${code}, unnest(${[...members]}::text[])`);
  await sessionsChanged(ctx.tx);
}

export async function createGroup(ctx: Ctx, input: GroupCreate) {
  const errors = await checkMemberCodes(ctx, input.members, '/members');
  if (input.chair) errors.push(...(await checkMemberCodes(ctx, [input.chair], '/chair')).map((e) => ({ ...e, pointer: '/chair' })));
  if (errors.length > 0) throw invalid(errors);
  if (await ctx.tx.maybeOne(sql`SELECT 1 FROM sharing_groups WHERE code = ${input.code}`)) throw conflict(`A group with code ${input.code} exists already.`);
  await ctx.tx.query(sql`INSERT INTO sharing_groups (code, name, theme, chair, ends_on) VALUES (${input.code}, ${input.name}, ${input.theme ?? null}, ${input.chair ?? null}, ${input.endsOn ?? null})`);
  await writeRoster(ctx, input.code, input.members);
  await ctx.audit({ action: 'group.create', objectType: 'group', objectId: input.code, details: { ...input } });
  return getGroup(ctx, input.code);
}

/**
 * Who changes a group: the secretariat, anything; the member-admins of its chair, its roster, theme
 * and end date (the chair stays in the roster). A group the actor's member is not in is not found;
 * to its other members' users a change is forbidden.
 */
function chairRefusal(ctx: Ctx, group: { chair: string | null }, input: GroupUpdate): Problem | null {
  if (isSecretariat(ctx)) return null;
  if (group.chair !== ctx.actor.member || !ctx.actor.roles.includes('member-admin')) return forbidden('The secretariat and the member-admins of the group’s chair change a group.');
  if (input.name !== undefined || input.chair !== undefined) return forbidden('A group’s name and chair are the secretariat’s to change; its chair changes its members, theme and end date.');
  if (input.members && !input.members.includes(group.chair)) return invalid([{ pointer: '/members', detail: `the chair (${group.chair}) stays a member of its group` }]);
  return null;
}

export async function updateGroup(ctx: Ctx, code: string, input: GroupUpdate) {
  const group = await ctx.tx.maybeOne<{ chair: string | null }>(sql`SELECT g.chair FROM sharing_groups g WHERE g.code = ${code}
      AND (${isSecretariat(ctx)} OR EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_code = g.code AND gm.member_code = ${ctx.actor.member}))
    FOR UPDATE`);
  if (!group) throw notFound();
  const refusal = chairRefusal(ctx, group, input);
  if (refusal) throw refusal;
  const errors = input.members ? await checkMemberCodes(ctx, input.members, '/members') : [];
  if (input.chair) errors.push(...(await checkMemberCodes(ctx, [input.chair], '/chair')).map((e) => ({ ...e, pointer: '/chair' })));
  if (errors.length > 0) throw invalid(errors);
  await ctx.tx.query(sql`UPDATE sharing_groups SET
    name = coalesce(${input.name ?? null}, name),
    theme = CASE WHEN ${input.theme !== undefined} THEN ${input.theme ?? null} ELSE theme END,
    chair = CASE WHEN ${input.chair !== undefined} THEN ${input.chair ?? null} ELSE chair END,
    ends_on = CASE WHEN ${input.endsOn !== undefined} THEN ${input.endsOn ?? null}::date ELSE ends_on END
    WHERE code = ${code}`);
  if (input.members) await writeRoster(ctx, code, input.members);
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'group.update', objectType: 'group', objectId: code, details: { ...input } });
  return getGroup(ctx, code);
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  member: string;
  roles: Role[];
  disabled: boolean;
  totp_enabled: boolean;
}

const presentUser = (row: UserRow) => ({ id: row.id, name: row.name, email: row.email, member: row.member, roles: row.roles, disabled: row.disabled, totpEnabled: row.totp_enabled });
const userColumns = sql`id, name, email, member, roles, disabled, totp_enabled`;

/** The users a member-admin manages (its member's) or, for the secretariat, any member's. */
export async function listUsers(ctx: Ctx, member: string | undefined) {
  const target = member ?? ctx.actor.member;
  if (!isAdminOf(ctx, target)) throw forbidden('You manage the users of your own member only.');
  return (await ctx.tx.query<UserRow>(sql`SELECT ${userColumns} FROM users WHERE member = ${target} ORDER BY name`)).map(presentUser);
}

/**
 * No one grants a role they do not hold (the secretariat grants any): a role is granted when it is
 * in `roles` but not among the user's `current` ones, so a member-admin may keep or remove others.
 */
function checkRoles(ctx: Ctx, roles: readonly Role[], current: readonly Role[] = []): void {
  if (isSecretariat(ctx)) return;
  const granted = roles.filter((role) => !current.includes(role) && !ctx.actor.roles.includes(role));
  if (granted.length > 0) {
    throw invalid([{ pointer: '/roles', detail: `you may grant only roles you hold yourself, not ${granted.map((role) => `"${role}"`).join(', ')}` }]);
  }
}

/** The same answer whoever holds the address, so it tells nothing about another member's users. */
const addressUnusable = () => new Problem(409, 'Conflict', 'This address cannot be used.', [{ pointer: '/email', detail: 'this address cannot be used' }]);

/**
 * Issues a reset link and e-mails it (through the outbox). The answer names the address; it carries
 * the link only for the secretariat when no mail can be sent, and that disclosure is audited.
 */
async function sendResetLink(ctx: Ctx, user: UserRow): Promise<{ emailedTo: string; resetLink?: string }> {
  const link = await issueResetLink(ctx.tx, ctx.platform, user);
  if (ctx.platform.mailer.configured || !isSecretariat(ctx)) return { emailedTo: user.email };
  await ctx.audit({ action: 'user.reset-link-disclosed', objectType: 'user', objectId: user.id, objectOwner: user.member, details: { reason: 'no mail configured' } });
  return { emailedTo: user.email, resetLink: link };
}

export async function createUser(ctx: Ctx, input: UserCreate, session: SessionState | null) {
  const member = input.member ?? ctx.actor.member;
  if (!isAdminOf(ctx, member)) throw forbidden('You manage the users of your own member only.');
  if (!(await ctx.tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${member}`))) throw invalid([{ pointer: '/member', detail: `unknown member "${member}"` }]);
  checkRoles(ctx, input.roles);
  // A new user is a grant of roles, as a change of roles is (ASVS 3.7.1).
  await assertRecentlyAuthenticated(ctx, session);
  const email = input.email.toLowerCase();
  const user = await ctx.tx.maybeOne<UserRow>(sql`INSERT INTO users (member, name, email, roles) VALUES (${member}, ${input.name}, ${email}, ${input.roles})
    ON CONFLICT (email) DO NOTHING RETURNING ${userColumns}`);
  if (!user) throw addressUnusable();
  await ctx.audit({ action: 'user.create', objectType: 'user', objectId: user.id, objectOwner: member, details: { email, roles: input.roles } });
  return { user: presentUser(user), ...(await sendResetLink(ctx, user)) };
}

/**
 * A user the actor manages: the secretariat manages anyone; a member-admin its own member's users
 * below the secretariat. Another member's users are not found; a secretariat user of its own
 * member, whom it sees in its list, is forbidden.
 */
async function managedUser(ctx: Ctx, id: string): Promise<UserRow> {
  const user = await ctx.tx.maybeOne<UserRow>(sql`SELECT ${userColumns} FROM users WHERE id = ${id} FOR UPDATE`);
  if (!user || !isAdminOf(ctx, user.member)) throw notFound();
  if (user.roles.includes('secretariat') && !isSecretariat(ctx)) throw forbidden('Only the secretariat manages a secretariat user.');
  return user;
}

/** Refuses to demote or disable the last enabled secretariat user; the lock makes two such changes take turns. */
async function keepOneSecretariat(ctx: Ctx, user: UserRow, input: UserUpdate): Promise<void> {
  const leaves = user.roles.includes('secretariat') && !user.disabled && (input.disabled === true || (input.roles !== undefined && !input.roles.includes('secretariat')));
  if (!leaves) return;
  const others = await ctx.tx.query(sql`SELECT id FROM users WHERE 'secretariat' = ANY (roles) AND NOT disabled AND id <> ${user.id} FOR UPDATE`);
  if (others.length === 0) throw conflict('The last secretariat user cannot be demoted or disabled; give another user the secretariat role first.');
}

/** Changes a user; a change of roles needs the caller's session to have re-entered its password lately (ASVS 3.7.1). */
export async function updateUser(ctx: Ctx, id: string, input: UserUpdate, session: SessionState | null) {
  const user = await managedUser(ctx, id);
  if (input.roles) checkRoles(ctx, input.roles, user.roles);
  if (id === ctx.actor.userId && (input.disabled === true || (input.roles && !input.roles.some((r) => ctx.actor.roles.includes(r) && (r === 'member-admin' || r === 'secretariat'))))) {
    throw invalid([{ pointer: input.disabled ? '/disabled' : '/roles', detail: 'you cannot lock yourself out; ask another admin' }]);
  }
  await keepOneSecretariat(ctx, user, input);
  const rolesChange = input.roles !== undefined && (input.roles.length !== user.roles.length || input.roles.some((role) => !user.roles.includes(role)));
  if (rolesChange) await assertRecentlyAuthenticated(ctx, session);
  const row = await ctx.tx.one<UserRow>(sql`UPDATE users SET
    name = coalesce(${input.name ?? null}, name),
    roles = coalesce(${input.roles ?? null}::text[], roles),
    disabled = coalesce(${input.disabled ?? null}::boolean, disabled),
    updated_at = now()
    WHERE id = ${id} RETURNING ${userColumns}`);
  // Given an administrative role without a second factor (ASVS 4.3.1): signed out, so the next sign-in enrols one.
  const newlyAdmin = secondFactorRoles(row.roles).some((role) => !user.roles.includes(role)) && !row.totp_enabled;
  if (input.disabled || newlyAdmin) await ctx.tx.query(sql`SELECT auth_sessions_end(${id}::uuid, NULL)`);
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'user.update', objectType: 'user', objectId: id, objectOwner: user.member, details: { ...input } });
  return { user: presentUser(row) };
}

export async function resetUserPassword(ctx: Ctx, id: string) {
  const user = await managedUser(ctx, id);
  await ctx.audit({ action: 'user.password-reset-issued', objectType: 'user', objectId: id, objectOwner: user.member });
  return sendResetLink(ctx, user);
}

/**
 * Resets the second factor of a user who lost it (ASVS 2.5.7), after the administrator proofed the
 * person as at enrolment; how is recorded in the audit row. The authenticator, recovery codes and
 * sessions go (the database function checks who may), the user is told by e-mail, and its next
 * sign-in sets up a new authenticator where its member or roles require one. Like a grant of roles,
 * it needs a person who entered their password lately; no one resets their own.
 */
export async function resetSecondFactor(ctx: Ctx, id: string, input: SecondFactorReset, session: SessionState | null) {
  const user = await managedUser(ctx, id);
  if (id === ctx.actor.userId) throw invalid([{ pointer: '', detail: 'you cannot reset your own second factor; use a recovery code, or ask another admin' }]);
  if (!user.totp_enabled) throw conflict('This user has no second factor to reset.');
  await assertRecentlyAuthenticated(ctx, session);
  await resetLostSecondFactor(ctx.tx, user, input.proofing, { audit: (event) => ctx.audit(event), address: ctx.request.address });
  return { user: presentUser({ ...user, totp_enabled: false }) };
}
