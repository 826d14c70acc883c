import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { App } from '../../src/platform/http/app.js';
import { makeTestApp, type TestContext, type TestSession } from './app.js';
import { sharingSees, type SharedRecord, type World } from './sharing-model.js';

/**
 * A module's records held to the reference model of the sharing rule (sharing-model.ts). The
 * module says how to write a record of a world (through its store or the database, as an owner
 * would have left it) and how a viewer lists, counts and reads its records; the harness builds
 * the world, signs in an officer of each member, and compares every answer with the model under
 * each wall alone (row-level security; the query layer's condition) and both together:
 *
 * - every list: exactly the ids the model lets the viewer see, each once, over all its pages;
 * - every count: the number of those;
 * - every read: 200 for those, and for the others 404 with the very answer a record that does not
 *   exist gets (DESIGN.md §3, rule 2: nothing is learnt);
 * - whatever else the module observes (its `more`), as lines of differences.
 *
 * `leaks` runs the same check against an app with both walls removed, so that a test shows it can fail.
 */

/** A record of the world as the module writes it: the world's record, and its owner and audience as codes. */
export interface Placed<R extends SharedRecord> {
  record: R;
  index: number;
  /** The world's number, for keys a module makes unique per world. */
  run: number;
  owner: string;
  /** Codes of the named members (kind "members"), else empty. */
  members: string[];
  /** Codes of the named groups (kind "groups"), else empty. */
  groups: string[];
  /** Every member's code, by index. */
  codes: string[];
}

/** A world as written to the database. */
export interface Built<R extends SharedRecord> {
  run: number;
  world: World<R>;
  codes: string[];
  groupCodes: string[];
  /** The records' ids, by index. */
  ids: string[];
  /** A signed-in officer of each member, by index. */
  sessions: TestSession[];
}

/** One member looking through one app. */
export interface Viewing<R extends SharedRecord> {
  t: TestContext;
  app: App;
  viewer: number;
  session: TestSession;
  built: Built<R>;
}

/** What a viewer can observe of the module's records. */
export interface Views {
  /** Every id each list gives, all pages walked: each must be exactly the visible records. */
  lists?: Record<string, () => Promise<string[]>>;
  /** Each count must be the number of visible records. */
  counts?: Record<string, () => Promise<number>>;
  /** Reads one record by id: 200 if visible, else the 404 of a record that does not exist. */
  get?: (id: string) => Promise<LightMyRequestResponse>;
  /** The module's own observations, as differences from its model (none when all agree). */
  more?: () => Promise<string[]>;
}

export interface SharingHarnessSpec<R extends SharedRecord> {
  /** Starts member codes (`V3M0`) and group codes (`v3-g0`). */
  prefix: string;
  /** Options of the test app (its configuration, say). */
  app?: Parameters<typeof makeTestApp>[0];
  /** A member's code, when the module needs particular ones (issuing states); unique across worlds. */
  memberCode?: (run: number, index: number) => string;
  /** The module's rule, when it adds to the sharing rule: whom a record is visible to. */
  sees?: (world: World<R>, viewer: number, record: R) => boolean;
  /** How differences name a record (default `R0`). */
  label?: (record: R, index: number) => string;
  /** Writes one record and returns its id. */
  create(t: TestContext, placed: Placed<R>): Promise<string>;
  /** After the records are written (a module's in-process index learns them, say). */
  afterCreate?(t: TestContext): Promise<unknown>;
  /** Removes the records after each world; without it they stay (keys must then be unique per world). */
  clear?(t: TestContext): Promise<unknown>;
  views(viewing: Viewing<R>): Views;
}

export interface SharingHarness<R extends SharedRecord> {
  /** The test app (ready after beforeAll). */
  readonly t: TestContext;
  /** The app with both walls, and one with each alone. */
  readonly apps: readonly { name: string; app: App }[];
  build(world: World<R>): Promise<Built<R>>;
  /** What the app answers each member unlike the model, as lines; none when it agrees. */
  differences(app: App, built: Built<R>): Promise<string[]>;
  /** Builds the world, expects each wall alone and both together to agree with the model and `also` to find nothing, then clears. */
  check(world: World<R>, also?: (built: Built<R>) => Promise<string[]>): Promise<void>;
  /** The differences an app with both walls removed shows for the world (the check must find them). */
  leaks(world: World<R>): Promise<string[]>;
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A 404 as the client sees it, less what names the request (its path and id). */
function notFoundAnswer(response: LightMyRequestResponse): string {
  let body: unknown = response.body;
  try {
    const { instance: _instance, requestId: _requestId, ...rest } = response.json<Record<string, unknown>>();
    body = rest;
  } catch {
    // Not JSON: compared as it is.
  }
  return JSON.stringify({ type: response.headers['content-type'], body });
}

/** Registers the test app's setup and teardown (beforeAll, afterAll) and returns the harness. */
export function sharingHarness<R extends SharedRecord>(spec: SharingHarnessSpec<R>): SharingHarness<R> {
  let t: TestContext | undefined;
  let apps: { name: string; app: App }[] = [];
  let leaky: App | undefined;
  let run = 0;
  const sees: (world: World<R>, viewer: number, record: R) => boolean = spec.sees ?? sharingSees;
  const label = spec.label ?? ((_: R, i: number) => `R${i}`);
  const context = (): TestContext => {
    if (!t) throw new Error('the sharing harness is used before its beforeAll');
    return t;
  };

  beforeAll(async () => {
    t = await makeTestApp(spec.app);
    apps = [
      { name: 'both walls', app: t.app },
      { name: 'row-level security alone', app: await t.variant({ unsafeWithoutSharingCondition: true }) },
      { name: 'query condition alone', app: await t.variant({ unsafeWithoutRowLevelSecurity: true }) },
    ];
  });
  afterAll(() => t?.close());

  async function build(world: World<R>): Promise<Built<R>> {
    const t = context();
    run++;
    const codes: string[] = [];
    for (const [i, member] of world.members.entries()) {
      codes.push(await t.makeMember(spec.memberCode?.(run, i) ?? `${spec.prefix}${run}M${i}`, { status: member.observer ? 'observer' : 'member' }));
    }
    const groupCodes: string[] = [];
    for (const [i, group] of world.groups.entries()) {
      groupCodes.push(await t.makeGroup(`${spec.prefix.toLowerCase()}${run}-g${i}`, group.members.map((m) => codes[m]!), { endsOn: group.ended ? '2001-01-01' : null }));
    }
    const ids: string[] = [];
    for (const [index, record] of world.records.entries()) {
      ids.push(
        await spec.create(t, {
          record,
          index,
          run,
          owner: codes[record.owner]!,
          members: record.kind === 'members' ? record.members.map((m) => codes[m]!) : [],
          groups: record.kind === 'groups' ? record.groups.map((g) => groupCodes[g]!) : [],
          codes,
        }),
      );
    }
    await spec.afterCreate?.(t);
    const sessions: TestSession[] = [];
    for (const code of codes) sessions.push(await t.sessionFor(await t.makeUser(code, ['officer'])));
    return { run, world, codes, groupCodes, ids, sessions };
  }

  async function differences(app: App, built: Built<R>): Promise<string[]> {
    const t = context();
    const { world, ids } = built;
    const found: string[] = [];
    for (const [viewer, session] of built.sessions.entries()) {
      const views = spec.views({ t, app, viewer, session, built });
      const visible = new Set(ids.filter((_, i) => sees(world, viewer, world.records[i]!)));
      const expected = [...visible].sort();
      for (const [name, list] of Object.entries(views.lists ?? {})) {
        const listed = [...(await list())].sort();
        if (!same(listed, expected)) found.push(`${name} for M${viewer}: ${listed.length} vs ${expected.length}`);
      }
      for (const [name, count] of Object.entries(views.counts ?? {})) {
        const counted = await count();
        if (counted !== expected.length) found.push(`${name} for M${viewer}: ${counted} vs ${expected.length}`);
      }
      if (views.get) {
        const absent = await views.get(randomUUID());
        if (absent.statusCode !== 404) found.push(`get of no record for M${viewer}: ${absent.statusCode}`);
        const nothing = notFoundAnswer(absent);
        for (const [i, id] of ids.entries()) {
          const response = await views.get(id);
          const allowed = visible.has(id);
          if (response.statusCode !== (allowed ? 200 : 404)) found.push(`get ${label(world.records[i]!, i)} for M${viewer}: ${response.statusCode}`);
          else if (!allowed && notFoundAnswer(response) !== nothing) found.push(`get ${label(world.records[i]!, i)} for M${viewer}: a 404 unlike no record's: ${response.body}`);
        }
      }
      if (views.more) found.push(...(await views.more()));
    }
    return found;
  }

  async function withWorld<T>(world: World<R>, work: (built: Built<R>) => Promise<T>): Promise<T> {
    try {
      return await work(await build(world));
    } finally {
      await spec.clear?.(context());
    }
  }

  return {
    get t() {
      return context();
    },
    get apps() {
      return apps;
    },
    build,
    differences,
    check: (world, also) =>
      withWorld(world, async (built) => {
        for (const { name, app } of apps) expect(await differences(app, built), name).toEqual([]);
        if (also) expect(await also(built)).toEqual([]);
      }),
    async leaks(world) {
      leaky ??= await context().variant({ unsafeWithoutSharingCondition: true, unsafeWithoutRowLevelSecurity: true });
      const app = leaky;
      return withWorld(world, (built) => differences(app, built));
    },
  };
}

/** GET as the session's user (cookie only, as a browser's read). */
export function getAs(app: App, session: TestSession, url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
}

/** GET that must answer 200, and its JSON. */
export async function getJsonAs<T>(app: App, session: TestSession, url: string): Promise<T> {
  const response = await getAs(app, session, url);
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json<T>();
}

/** Every id a cursor-paged list gives (`{ data: [{ id }], next }`), walking all pages from `url`. */
export async function pagedIds(app: App, session: TestSession, url: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages > 1000) throw new Error(`${url}: more than 1000 pages`);
    const page: { data: { id: string }[]; next: string | null } = await getJsonAs(app, session, `${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ids.push(...page.data.map((item) => item.id));
    cursor = page.next;
    if (!cursor) return ids;
  }
}
