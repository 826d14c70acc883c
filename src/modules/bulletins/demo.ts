import { loadUserActor } from '../../platform/auth/sessions.js';
import type { Config } from '../../platform/config.js';
import { runAs, type Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import type { BulletinCreate } from './schemas.js';
import { create } from './service.js';

/**
 * Demo bulletins (invented, on the liaison network's themes: document fraud, a route, visa misuse by
 * scam-centre recruiters), so the bulletin pages are not empty for a new user. Written through the
 * module's own service, as users would, so audit and version rows are what the running app would make.
 */
const DAY = 86_400_000;

function demoBulletins(now: number): readonly { email: string; bulletin: BulletinCreate }[] {
  const inDays = (days: number): string => new Date(now + days * DAY).toISOString();
  return [
    {
      email: 'officer@idn.demo',
      bulletin: {
        type: 'document-fraud-alert',
        title: 'Altered data pages on genuine passports seen at Soekarno-Hatta',
        body: [
          'Officers at **CGK** intercepted three travellers on genuine passports whose data pages had been replaced.',
          '',
          '## Features to check',
          '',
          '- the laminate lifts at the hinge when the page is flexed;',
          '- the machine-readable zone prints in a slightly heavier typeface than the visual zone;',
          '- the photograph shows no ghost image under ultraviolet light.',
          '',
          'The travellers were bound for Kuala Lumpur with onward tickets. Please check for similar documents and acknowledge when your airport teams have been told.',
        ].join('\n'),
        countries: ['IDN', 'MYS'],
        places: ['CGK', 'KUL'],
        tags: ['passports', 'data-page substitution'],
        expiresAt: inDays(120),
        sharing: { audience: { kind: 'all' }, tlp: 'GREEN', evaluation: { source: 'B', information: '2' } },
      },
    },
    {
      email: 'officer@aus.demo',
      bulletin: {
        type: 'route-trend-note',
        title: 'Departures from the south coast of Rote',
        body: [
          'Since September, boats carrying passengers towards Ashmore Reef have left from beaches on the south coast of Rote rather than from Kupang harbour.',
          '',
          'Organisers move passengers by ferry to Rote in small groups and hold them in rented houses for up to a week. The boats are old wooden fishing vessels bought through intermediaries.',
          '',
          '| month | boats intercepted | passengers |',
          '|---|---|---|',
          '| September | 2 | 31 |',
          '| October | 3 | 48 |',
        ].join('\n'),
        countries: ['IDN', 'AUS'],
        places: ['IDKOE'],
        tags: ['maritime', 'Ashmore Reef'],
        expiresAt: inDays(90),
        sharing: { audience: { kind: 'members', members: ['IDN'] }, tlp: 'AMBER', evaluation: { source: 'B', information: '2' } },
      },
    },
    {
      email: 'officer@tha.demo',
      bulletin: {
        type: 'visa-integrity-note',
        title: 'Recruiters for scam centres arranging tourist visas',
        body: [
          'Recruiters advertising call-centre work on social media arrange tourist visas and return tickets for their recruits, who are then moved across the border to scam compounds.',
          '',
          'Indicators at the airport: groups of young travellers with identical itineraries, hotel bookings paid by the same card, and no knowledge of the hotel.',
        ].join('\n'),
        countries: ['THA', 'MMR'],
        places: ['BKK', 'MAQ'],
        tags: ['scam centres', 'tourist visas'],
        expiresAt: inDays(60),
        sharing: { audience: { kind: 'all' }, tlp: 'GREEN' },
      },
    },
  ];
}

/** Loads the demo bulletins once; running it again adds nothing. */
export async function seedBulletins(db: Database, config: Config): Promise<void> {
  const platform: Platform = { db, config, mailer: smtpMailer(config) };
  const seeded = await db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM bulletins LIMIT 1`));
  if (seeded) return;
  const request = { requestId: 'demo-seed', address: '127.0.0.1' };
  for (const { email, bulletin } of demoBulletins(Date.now())) {
    const actor = await db.transaction({ member: null }, (tx) => loadUserActor(tx, sql`u.email = ${email}`));
    if (actor) await runAs(platform, actor, request, (ctx) => create(ctx, bulletin));
  }
}
