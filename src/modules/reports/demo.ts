import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadUserActor } from '../../platform/auth/sessions.js';
import type { Config } from '../../platform/config.js';
import { runAs, type Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { importReports, readImportTable } from './transfer/import/import-reports.js';
import type { ReportInput } from './schemas.js';
import { insertReport } from './records/store.js';

const MMP_FILE = fileURLToPath(new URL('../../../../shared/data/missing-migrants-2019.csv', import.meta.url));
/** The regions of the process: the demo imports their incidents only. */
const MMP_REGIONS = new Set(['Southeast Asia', 'South Asia', 'East Asia']);

/** Illustrative smuggling reports (no real events), so routes, fees and profiles show in the demo. */
const DEMO_REPORTS: { owner: string; agency: string; input: ReportInput }[] = [
  {
    owner: 'AUS',
    agency: 'Australian Border Force',
    input: {
      when: { from: '2019-03-14' }, where: { country: 'AUS', place: 'Ashmore Reef', latitude: -12.25, longitude: 123.0, kind: 'at-sea' },
      incidentType: 'smuggling-sea', origin: 'LKA', destination: 'AUS',
      route: [{ from: 'LKA', to: 'IDN', mode: 'boat', conveyance: 'fishing-boat' }, { from: 'IDN', to: 'AUS', mode: 'boat', conveyance: 'wooden-boat' }],
      people: [{ citizenship: 'LKA', adultMen: 26, adultWomen: 4, boys: 3, girls: 2, unaccompaniedChildren: 1 }],
      outcomes: { intercepted: 35, returned: 35 }, fee: { amount: 4000, currency: 'USD', basis: 'per-person', paymentMethods: ['cash', 'hawala'], covers: ['transport'] },
      smugglers: { count: 3, citizenships: ['IDN'], roles: ['transporter', 'organiser'], methods: ['mother-ship'] },
      documents: { kinds: ['none'] }, lawEnforcement: { arrests: 3, charges: 3 },
      narrative: 'Wooden boat intercepted near the reef after a transfer at sea; crew of three detained.',
      countsInRegional: true, sharing: { audience: { kind: 'all' }, tlp: 'GREEN', evaluation: { source: 'A', information: '1' } },
    },
  },
  {
    owner: 'IDN',
    agency: 'Indonesian Coast Guard (Bakamla)',
    input: {
      when: { from: '2019-06-02' }, where: { country: 'IDN', place: 'Rote Island', latitude: -10.73, longitude: 123.08, kind: 'at-sea' },
      incidentType: 'disrupted-attempt', origin: 'AFG', destination: 'AUS',
      route: [{ from: 'AFG', to: 'MYS', mode: 'air', conveyance: 'commercial-flight' }, { from: 'MYS', to: 'IDN', mode: 'boat', conveyance: 'speedboat' }],
      people: [{ citizenship: 'AFG', adultMen: 18, boys: 2 }, { citizenship: 'IRN', adultMen: 5, adultWomen: 3 }],
      outcomes: { intercepted: 28, claimedAsylum: 11 }, fee: { amount: 84000, currency: 'USD', basis: 'total', paymentMethods: ['hawala'] },
      smugglers: { count: 2, roles: ['guide', 'recruiter'], methods: ['online-recruitment', 'transit-hubs'] },
      documents: { kinds: ['genuine', 'fraudulent'], issuingCountries: ['AFG'] },
      narrative: 'Group held in a safe house before embarkation; departure disrupted on the beach at night.',
      countsInRegional: true, sharing: { audience: { kind: 'groups', groups: ['ad-hoc-group'] }, tlp: 'AMBER' },
    },
  },
  {
    owner: 'THA',
    agency: 'Royal Thai Police',
    input: {
      when: { from: '2019-09-20', to: '2019-09-22' }, where: { country: 'THA', place: 'Sadao', latitude: 6.64, longitude: 100.42, kind: 'land-border' },
      incidentType: 'smuggling-land', origin: 'MMR', destination: 'MYS',
      route: [{ from: 'MMR', to: 'THA', mode: 'vehicle', conveyance: 'truck' }, { from: 'THA', to: 'MYS', mode: 'on-foot' }],
      people: [{ citizenship: 'MMR', adultMen: 12, adultWomen: 9, girls: 3, unknownSexOrAge: 2 }],
      vulnerabilities: ['pregnant-women'], outcomes: { intercepted: 26 },
      fee: { amount: 20000, currency: 'THB', basis: 'per-person', paymentMethods: ['mobile-money'], covers: ['transport', 'border-crossing'] },
      smugglers: { count: 4, citizenships: ['THA', 'MMR'], roles: ['transporter', 'corrupt-official'], methods: ['concealment', 'corruption'] },
      lawEnforcement: { arrests: 2, prosecutions: 1 },
      narrative: 'Passengers concealed in a refrigerated truck; two drivers arrested at the checkpoint.',
      countsInRegional: true, sharing: { audience: { kind: 'all' }, tlp: 'GREEN' },
    },
  },
];

/** Members whose illustrative reports fill the demo's regional release (it needs 3 or more owners a cell). */
const SERIES_OWNERS = ['AUS', 'IDN', 'THA', 'MYS', 'LKA', 'PHL'] as const;
const SERIES_ROUTES: { legs: [string, string, 'boat' | 'vehicle' | 'air'][]; type: ReportInput['incidentType']; country: string; destination: string; citizenship: string; fee: [number, string] }[] = [
  { legs: [['LKA', 'IDN', 'boat'], ['IDN', 'AUS', 'boat']], type: 'smuggling-sea', country: 'IDN', destination: 'AUS', citizenship: 'LKA', fee: [3500, 'USD'] },
  { legs: [['MMR', 'THA', 'vehicle'], ['THA', 'MYS', 'vehicle']], type: 'smuggling-land', country: 'THA', destination: 'MYS', citizenship: 'MMR', fee: [18000, 'THB'] },
  { legs: [['BGD', 'MYS', 'air']], type: 'smuggling-air', country: 'MYS', destination: 'MYS', citizenship: 'BGD', fee: [2500, 'USD'] },
  { legs: [['MMR', 'BGD', 'boat'], ['BGD', 'MYS', 'boat']], type: 'smuggling-sea', country: 'MYS', destination: 'MYS', citizenship: 'MMR', fee: [1800, 'USD'] },
];

/**
 * Illustrative national reports (no real events) for 2023 to 2025, generated the same way every time:
 * each member of SERIES_OWNERS reports a few incidents a quarter on the region's main routes, shared
 * with its own member only or with all, and counted in regional figures, so that the dashboard's two
 * layers (what a member may see; the regional release) differ visibly.
 */
function seriesReports(): { owner: string; input: ReportInput }[] {
  let state = 20261203;
  const next = (n: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const list: { owner: string; input: ReportInput }[] = [];
  for (let month = 0; month < 36; month++) {
    for (const [index, owner] of SERIES_OWNERS.entries()) {
      if (next(3) === 0) continue;
      const route = SERIES_ROUTES[(month + index + next(2)) % SERIES_ROUTES.length] ?? SERIES_ROUTES[0];
      if (!route) continue;
      const day = `${2023 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-${String(1 + next(27)).padStart(2, '0')}`;
      const men = 2 + next(30);
      const women = next(12);
      const children = next(6);
      const people = men + women + children;
      list.push({
        owner,
        input: {
          when: { from: day }, where: { country: route.country }, incidentType: route.type, origin: route.legs[0]?.[0] ?? route.citizenship, destination: route.destination,
          route: route.legs.map(([from, to, mode]) => ({ from, to, mode })),
          people: [{ citizenship: route.citizenship, adultMen: men, adultWomen: women, boys: children }],
          outcomes: { intercepted: people, returned: next(2) === 0 ? people : 0, dead: next(10) === 0 ? 1 + next(3) : 0 },
          fee: { amount: Math.round(route.fee[0] * (0.7 + next(60) / 100)), currency: route.fee[1], basis: 'per-person' },
          lawEnforcement: { arrests: next(4) },
          narrative: `Illustrative demo report ${owner}-${month}-${index}.`,
          countsInRegional: true,
          sharing: { audience: { kind: next(2) === 0 ? 'owner' : 'all' }, tlp: 'AMBER' },
        },
      });
    }
  }
  return list;
}

/**
 * Demo reports: a few illustrative national ones, and the incidents of the process's regions from the
 * IOM Missing Migrants Project file (when ../shared/data is there), imported as IOM's, shared and approved.
 */
export async function seedReports(db: Database, config: Config): Promise<void> {
  const platform: Platform = { db, config, mailer: smtpMailer(config) };
  for (const { owner, agency, input } of DEMO_REPORTS) {
    await db.transaction({ member: owner }, async (tx) => {
      const exists = await tx.maybeOne(sql`SELECT 1 FROM reports WHERE owner = ${owner} AND narrative = ${input.narrative ?? ''}`);
      if (exists) return;
      const id = await insertReport(tx, owner, null, { ...input, agency }, { status: 'shared' });
      await tx.query(sql`UPDATE reports SET submitted_at = now(), approved_at = now() WHERE id = ${id}`);
    });
  }
  const series = seriesReports();
  for (const owner of SERIES_OWNERS) {
    await db.transaction({ member: owner }, async (tx) => {
      const exists = await tx.maybeOne(sql`SELECT 1 FROM reports WHERE owner = ${owner} AND narrative LIKE 'Illustrative demo report %'`);
      if (exists) return;
      for (const report of series.filter((r) => r.owner === owner)) {
        const id = await insertReport(tx, owner, null, report.input, { status: 'shared' });
        await tx.query(sql`UPDATE reports SET submitted_at = now(), approved_at = now() WHERE id = ${id}`);
      }
    });
  }
  if (!existsSync(MMP_FILE)) return;
  const table = await readImportTable(readFileSync(MMP_FILE), { format: 'missing-migrants' }, 'missing-migrants-2019.csv');
  table.rows = [...table.rows].filter((row) => MMP_REGIONS.has(row.cells['Region of Incident'] ?? ''));
  const actor = await db.transaction({ member: null }, (tx) => loadUserActor(tx, sql`u.email = 'analyst@iom.demo'`));
  if (!actor) return;
  await runAs(platform, actor, { requestId: 'demo-seed', address: '127.0.0.1' }, (ctx) =>
    importReports(ctx, { format: 'missing-migrants', partial: true, status: 'submitted', sharing: { audience: { kind: 'all' }, tlp: 'CLEAR' } }, table, {
      name: 'missing-migrants-2019.csv',
      content: Buffer.alloc(0),
    }),
  );
  await db.transaction({ member: 'IOM' }, (tx) =>
    tx.query(sql`UPDATE reports SET status = 'shared', counts_in_regional = true, approved_at = now()
      WHERE owner = 'IOM' AND import_source IS NOT NULL AND status = 'submitted'`),
  );
}
