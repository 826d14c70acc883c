import { loadUserActor } from '../../platform/auth/sessions.js';
import type { Config } from '../../platform/config.js';
import { runAs, type Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { matchAll } from './matcher.js';
import { ask } from './requests.js';
import type { LeadCreate } from './schemas.js';
import { create } from './service.js';

/**
 * Demo leads (invented values, no real people or vessels): Australia and Indonesia hold the same
 * Indonesian mobile number in leads only their own members see, so each is told of the other's; Thailand
 * and Indonesia hold the same IMO number, so they are too; a Telegram account in two leads shared with
 * every member shows as a link on both. Indonesia has asked Australia what it may disclose about the
 * phone (one request waiting for Australia's approvers). Written through the module's own service, as
 * users would, so audit rows, entity rows and notices are what the running app would make.
 */
const OWN: LeadCreate['sharing'] = { audience: { kind: 'owner' }, tlp: 'AMBER' };
const ALL: LeadCreate['sharing'] = { audience: { kind: 'all' }, tlp: 'GREEN' };

const DEMO_LEADS: readonly { email: string; lead: LeadCreate }[] = [
  {
    email: 'officer@aus.demo',
    lead: {
      title: 'Facilitator called by passengers of an intercepted boat',
      subject: 'person',
      country: 'AUS',
      narrative: 'Passengers of a boat intercepted north of Ashmore Reef said they paid a facilitator they knew only by phone. Several had the same number saved under different names.',
      entities: [
        { type: 'phone', value: '+62 812 3456 7890' },
        { type: 'email', value: 'jalan.aman@example.org' },
      ],
      namedInHits: true,
      sharing: OWN,
    },
  },
  {
    email: 'officer@idn.demo',
    lead: {
      title: 'Boat organiser network, Kupang',
      subject: 'network',
      country: 'IDN',
      narrative: 'A network arranging departures from the south coast of Rote. The organiser uses a local mobile number and buys old fishing vessels through intermediaries.',
      entities: [
        { type: 'phone', value: '0812-3456-7890' },
        { type: 'vessel', imo: '9074729', name: 'KM Sinar Bahari', flag: 'IDN' },
        { type: 'person', name: 'Budi Hartono', birthYear: 1981 },
      ],
      namedInHits: true,
      sharing: OWN,
    },
  },
  {
    email: 'officer@tha.demo',
    lead: {
      title: 'Vessel seen loading passengers at Ranong',
      subject: 'vessel',
      country: 'THA',
      narrative: 'A vessel under the Indonesian flag was seen taking on passengers at night; its IMO number was read from the hull.',
      entities: [{ type: 'vessel', imo: 'IMO 9074729' }],
      namedInHits: false,
      sharing: OWN,
    },
  },
  {
    email: 'officer@aus.demo',
    lead: {
      title: 'Telegram channel advertising crossings',
      subject: 'other',
      narrative: 'A channel advertising “safe crossings” with prices in three currencies; shared with every member.',
      entities: [{ type: 'handle', platform: 'telegram', value: '@kupang_crossings' }],
      sharing: ALL,
    },
  },
  {
    email: 'officer@idn.demo',
    lead: {
      title: 'Recruiters behind a Telegram channel',
      subject: 'network',
      narrative: 'The recruiters answering the channel’s messages; shared with every member.',
      entities: [{ type: 'handle', platform: 'telegram', value: 'https://t.me/kupang_crossings' }],
      sharing: ALL,
    },
  },
];

const REQUEST = { reason: 'Our lead on the Kupang network holds the same number; we need to know whether your facilitator is the organiser we follow.', urgency: 'routine' } as const;

/** Loads the demo leads and their notices once; running it again adds nothing. */
export async function seedLinkage(db: Database, config: Config): Promise<void> {
  const platform: Platform = { db, config, mailer: smtpMailer(config) };
  const seeded = await db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM linkage_leads LIMIT 1`));
  if (seeded) return;
  const request = { requestId: 'demo-seed', address: '127.0.0.1' };
  const actorOf = (email: string) => db.transaction({ member: null }, (tx) => loadUserActor(tx, sql`u.email = ${email}`));
  for (const { email, lead } of DEMO_LEADS) {
    const actor = await actorOf(email);
    if (actor) await runAs(platform, actor, request, (ctx) => create(ctx, lead));
  }
  await matchAll(platform);
  // Indonesia, told of Australia's lead holding its organiser's number, asks Australia.
  const asker = await actorOf('officer@idn.demo');
  if (!asker) return;
  const notice = await db.ownerTransaction((tx) => tx.maybeOne<{ id: string }>(sql`SELECT id FROM linkage_notices WHERE told = 'IDN' AND holder = 'AUS' AND kind = 'phone'`));
  if (notice) await runAs(platform, asker, request, (ctx) => ask(ctx, notice.id, REQUEST));
}
