import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../platform/http/app.js';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import type { AudienceKind } from '../../platform/sharing/model.js';
import type { ReportStatus } from './schemas.js';
import { insertReport } from './store.js';

/**
 * Who sees which report, against a reference model: the sharing rule (DESIGN.md §3, rule 1), plus
 * the two rules of reports — another member's report only once shared, and only while the viewer's
 * member has contributed within the reciprocity window: a report of its own approved and shared with
 * someone besides itself (rule 7, here set to 6 months so the
 * setting, not the default of 12, is what both walls apply). Each wall is proved alone, and the
 * check is shown able to fail with both removed.
 */

const WINDOW_MONTHS = 6;
// Well inside, and well outside, six months; 250 days is inside the default twelve.
const SUBMITTED_DAYS_AGO = [20, 150, 250, 500] as const;

interface WorldMember {
  observer: boolean;
}
interface WorldGroup {
  members: number[];
  ended: boolean;
}
interface WorldReport {
  owner: number;
  kind: AudienceKind;
  members: number[];
  groups: number[];
  status: ReportStatus;
  /** Days since submission, for reports that were submitted (all but drafts). */
  daysAgo: number;
}
interface World {
  members: WorldMember[];
  groups: WorldGroup[];
  reports: WorldReport[];
}

function sharingSees(world: World, viewer: number, report: WorldReport): boolean {
  if (report.owner === viewer) return true;
  if (report.kind === 'all' && !world.members[viewer]!.observer) return true;
  if (report.kind === 'members' && report.members.includes(viewer)) return true;
  if (report.kind === 'groups') return report.groups.some((g) => !world.groups[g]!.ended && world.groups[g]!.members.includes(viewer));
  return false;
}

function contributes(world: World, viewer: number): boolean {
  const windowDays = WINDOW_MONTHS * 30;
  // Only what others were given counts: approved and shared beyond the owner alone.
  return world.reports.some((r) => r.owner === viewer && r.status === 'shared' && r.kind !== 'owner' && r.daysAgo < windowDays);
}

/** The rule, written as plainly as possible. */
function modelSees(world: World, viewer: number, report: WorldReport): boolean {
  if (report.owner === viewer) return true;
  return sharingSees(world, viewer, report) && report.status === 'shared' && contributes(world, viewer);
}

const worldArbitrary = fc
  .record({
    observers: fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
    groupSeeds: fc.array(fc.record({ members: fc.uniqueArray(fc.nat(3), { maxLength: 4 }), ended: fc.boolean() }), { maxLength: 2 }),
    reportSeeds: fc.array(
      fc.record({
        owner: fc.nat(3),
        kind: fc.constantFrom<AudienceKind>('owner', 'members', 'groups', 'all'),
        members: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
        groups: fc.uniqueArray(fc.nat(1), { minLength: 1, maxLength: 2 }),
        status: fc.constantFrom<ReportStatus>('draft', 'submitted', 'shared', 'shared', 'withdrawn'),
        daysAgo: fc.constantFrom(...SUBMITTED_DAYS_AGO),
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ observers, groupSeeds, reportSeeds }): World => {
    const n = observers.length;
    const members = observers.map((observer) => ({ observer }));
    const groups = groupSeeds.map((seed) => ({ members: [...new Set(seed.members.map((m) => m % n))], ended: seed.ended }));
    const reports = reportSeeds.map((seed): WorldReport => {
      const owner = seed.owner % n;
      let kind = seed.kind;
      const ownGroups = [...new Set(seed.groups.filter((g) => g < groups.length && groups[g]!.members.includes(owner)))];
      if (kind === 'groups' && ownGroups.length === 0) kind = 'owner';
      const named = [...new Set(seed.members.map((m) => m % n).filter((m) => m !== owner))];
      if (kind === 'members' && named.length === 0) kind = 'owner';
      return { owner, kind, members: kind === 'members' ? named : [], groups: kind === 'groups' ? ownGroups : [], status: seed.status, daysAgo: seed.daysAgo };
    });
    return { members, groups, reports };
  });

let t: TestContext;
let run = 0;
let apps: { name: string; app: App }[];

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_RECIPROCITY_MONTHS: String(WINDOW_MONTHS) } });
  apps = [
    { name: 'both walls', app: t.app },
    { name: 'row-level security alone', app: await t.variant({ unsafeWithoutSharingCondition: true }) },
    { name: 'query condition alone', app: await t.variant({ unsafeWithoutRowLevelSecurity: true }) },
  ];
});
afterAll(() => t.close());

interface Built {
  ids: string[];
  sessions: TestSession[];
}

/** Creates the world under fresh codes; reports are written as their owner would have left them. */
async function build(world: World): Promise<Built> {
  run++;
  const codes: string[] = [];
  for (const [i, member] of world.members.entries()) codes.push(await t.makeMember(`V${run}M${i}`, { status: member.observer ? 'observer' : 'member' }));
  const groupCodes: string[] = [];
  for (const [i, group] of world.groups.entries()) {
    groupCodes.push(await t.makeGroup(`v${run}-g${i}`, group.members.map((m) => codes[m]!), { endsOn: group.ended ? '2001-01-01' : null }));
  }
  const ids = await t.db.ownerTransaction(async (tx) => {
    const created: string[] = [];
    for (const report of world.reports) {
      const id = await insertReport(tx, codes[report.owner]!, null, {
        where: { country: 'IDN' },
        incidentType: 'smuggling-sea',
        when: { from: '2024-01-01' },
        sharing: {
          audience: { kind: report.kind, ...(report.kind === 'members' ? { members: report.members.map((m) => codes[m]!) } : {}), ...(report.kind === 'groups' ? { groups: report.groups.map((g) => groupCodes[g]!) } : {}) },
          tlp: 'AMBER',
        },
      });
      const submitted = report.status === 'draft' ? sql`NULL` : sql`now() - make_interval(days => ${report.daysAgo}::int)`;
      await tx.query(sql`UPDATE reports SET status = ${report.status}, submitted_at = ${submitted} WHERE id = ${id}`);
      created.push(id);
    }
    return created;
  });
  const sessions: TestSession[] = [];
  for (const code of codes) sessions.push(await t.sessionFor(await t.makeUser(code, ['officer'])));
  return { ids, sessions };
}

async function listAll(app: App, session: TestSession): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const url = `/api/v1/reports?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response: LightMyRequestResponse = await app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
    expect(response.statusCode, response.body).toBe(200);
    const body: { data: { id: string }[]; next: string | null } = response.json();
    ids.push(...body.data.map((r) => r.id));
    cursor = body.next;
  } while (cursor);
  return ids.sort();
}

/** What one app shows each member, compared with the model; returns the differences. */
async function differences(app: App, world: World, built: Built): Promise<string[]> {
  const found: string[] = [];
  for (const [viewer, session] of built.sessions.entries()) {
    const expected = built.ids.filter((_, i) => modelSees(world, viewer, world.reports[i]!)).sort();
    const listed = await listAll(app, session);
    if (JSON.stringify(listed) !== JSON.stringify(expected)) found.push(`list for M${viewer}: ${listed.length} vs ${expected.length}`);
    for (const [i, id] of built.ids.entries()) {
      const response = await app.inject({ method: 'GET', url: `/api/v1/reports/${id}`, headers: { cookie: session.cookie } });
      const allowed = expected.includes(id);
      if (response.statusCode !== (allowed ? 200 : 404)) found.push(`get R${i} (${world.reports[i]!.status}) for M${viewer}: ${response.statusCode}`);
    }
  }
  return found;
}

async function clearReports(): Promise<void> {
  await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports`));
}

async function withWorld(world: World, check: (built: Built) => Promise<void>): Promise<void> {
  const built = await build(world);
  try {
    await check(built);
  } finally {
    await clearReports();
  }
}

const fullMembers = (count: number): WorldMember[] => Array.from({ length: count }, () => ({ observer: false }));
const shared = (owner: number, daysAgo = 20): WorldReport => ({ owner, kind: 'all', members: [], groups: [], status: 'shared', daysAgo });

describe('who sees which report, against the reference model', () => {
  test('each wall alone, and both together, show each member exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary, (world) =>
        withWorld(world, async (built) => {
          for (const { name, app } of apps) expect(await differences(app, world, built), name).toEqual([]);
        }),
      ),
      { numRuns: 12 },
    );
  }, 300_000);

  test('reciprocity: only a recent contribution opens others’ shared reports, under each wall alone', async () => {
    // M0 shares with every full member. M1 contributed 20 days ago, M2 250 days ago (outside the
    // six-month window), M3 has only a draft and a withdrawn report, M4 nothing, M5 a report left
    // in "submitted", M6 one approved but kept to itself (audience: the owner): neither of the last two
    // gave the others anything.
    const world: World = {
      members: fullMembers(7),
      groups: [],
      reports: [
        shared(0),
        shared(1, 20),
        shared(2, 250),
        { owner: 3, kind: 'all', members: [], groups: [], status: 'draft', daysAgo: 20 },
        { owner: 3, kind: 'all', members: [], groups: [], status: 'withdrawn', daysAgo: 20 },
        { owner: 5, kind: 'all', members: [], groups: [], status: 'submitted', daysAgo: 20 },
        { owner: 6, kind: 'owner', members: [], groups: [], status: 'shared', daysAgo: 20 },
      ],
    };
    expect([0, 1, 2, 3, 4, 5, 6].map((viewer) => world.reports.filter((report) => modelSees(world, viewer, report)).length)).toEqual([3, 3, 1, 2, 0, 1, 1]);
    await withWorld(world, async (built) => {
      for (const { name, app } of apps) expect(await differences(app, world, built), name).toEqual([]);
    });
  });

  test('with both walls removed the same check finds the leaks, so it can fail', async () => {
    const leaky = await t.variant({ unsafeWithoutSharingCondition: true, unsafeWithoutRowLevelSecurity: true });
    const world: World = {
      members: fullMembers(3),
      groups: [],
      // A draft shared with all (status), and a shared report M2 may not see as it never contributed (reciprocity).
      reports: [{ owner: 0, kind: 'all', members: [], groups: [], status: 'draft', daysAgo: 20 }, shared(0), shared(1)],
    };
    await withWorld(world, async (built) => {
      const found = await differences(leaky, world, built);
      expect(found).toContain('get R0 (draft) for M1: 200');
      expect(found).toContain('get R1 (shared) for M2: 200');
    });
  });
});
