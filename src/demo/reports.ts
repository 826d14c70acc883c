import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadUserActor } from '../platform/auth/sessions.js';
import type { Config } from '../platform/config.js';
import { runAs, type Platform } from '../platform/context.js';
import type { Database } from '../platform/db/database.js';
import { sql } from '../platform/db/sql.js';
import { readTable } from '../platform/files/tabular.js';
import { smtpMailer } from '../platform/notify/mailer.js';
import { FORMATS, importReports } from '../modules/reports/import/import-reports.js';
import type { ReportInput } from '../modules/reports/schemas.js';
import { insertReport } from '../modules/reports/store.js';

const MMP_FILE = fileURLToPath(new URL('../../../shared/data/missing-migrants-2019.csv', import.meta.url));
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
  if (!existsSync(MMP_FILE)) return;
  const format = FORMATS['missing-migrants'];
  const table = await readTable(readFileSync(MMP_FILE), { columns: format.columns, required: format.required, rejectUnknownColumns: format.rejectUnknownColumns });
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
