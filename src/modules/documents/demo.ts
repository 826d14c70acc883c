import type { Database } from '../../platform/db/database.js';
import { holderOf, holderSealer } from './holders.js';
import { sql } from '../../platform/db/sql.js';
import { checkDigit } from './mrz.js';

/**
 * Demo travel documents (invented numbers, no real people): a few thousand per-member registers
 * generated deterministically, a handful of passports the demo users can check by MRZ (TD3 lines in
 * the style of the ICAO specimen, with correct check digits), a foreign report waiting for its
 * issuer, and two hits in the hit queues (Malaysia's with a repeat check).
 */

/** Members with registers, and how many documents each holds. */
const REGISTERS: readonly (readonly [string, number])[] = [
  ['AUS', 900], ['IDN', 800], ['THA', 500], ['MYS', 400], ['NZL', 250], ['PHL', 250], ['VNM', 200], ['LKA', 150], ['FJI', 60], ['JPN', 120],
];

const STATUSES = ['lost', 'lost', 'lost', 'stolen', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit', 'forged'];
const TYPES = ['passport', 'passport', 'passport', 'passport', 'identity-card', 'identity-card', 'visa', 'refugee-travel-document', 'seafarer-book', 'other'];
const PLACES = ['International airport, departures hall', 'Bus terminal', 'Hotel room', 'Ferry port', 'Street theft', 'Postal loss', 'Consulate', 'Land border crossing'];

interface DemoPassport {
  issuer: string;
  number: string;
  surname: string;
  given: string;
  birth: string;
  sex: 'F' | 'M';
  expiry: string;
  status: string;
}

/** Passports registered in the demo that any full member's check finds (audience all). */
const DEMO_PASSPORTS: readonly DemoPassport[] = [
  { issuer: 'AUS', number: 'PA0123456', surname: 'CITIZEN', given: 'JANE', birth: '850312', sex: 'F', expiry: '300115', status: 'stolen' },
  { issuer: 'IDN', number: 'B7654321', surname: 'SANTOSO', given: 'AGUS', birth: '790704', sex: 'M', expiry: '280930', status: 'lost' },
  { issuer: 'THA', number: 'AA1122334', surname: 'SOMBAT', given: 'MALEE', birth: '920101', sex: 'F', expiry: '291231', status: 'revoked' },
  { issuer: 'NZL', number: 'LN0004321', surname: 'SMITH', given: 'ARI', birth: '010620', sex: 'M', expiry: '310601', status: 'stolen-blank' },
];

const fill = (text: string, length: number): string => (text + '<'.repeat(length)).slice(0, length);

/** The two TD3 lines of a passport, with every check digit computed as Doc 9303 says. */
export function demoMrz(passport: DemoPassport): string {
  const line1 = fill(`P<${passport.issuer}${passport.surname}<<${passport.given.replace(/ /g, '<')}`, 44);
  const number = fill(passport.number, 9);
  const optional = fill('', 14);
  const parts = [number, String(checkDigit(number)), passport.issuer, passport.birth, String(checkDigit(passport.birth)), passport.sex, passport.expiry, String(checkDigit(passport.expiry)), optional, String(checkDigit(optional))];
  const body = parts.join('');
  const composite = checkDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return `${line1}\n${body}${composite}`;
}

/** The MRZs the demo users can paste into the check page. */
export const DEMO_MRZS: readonly { label: string; mrz: string }[] = DEMO_PASSPORTS.map((passport) => ({
  label: `${passport.issuer} passport ${passport.number} (${passport.status})`,
  mrz: demoMrz(passport),
}));

/** A machine-readable zone's birth day (YYMMDD) as a date: years after 70 in the 1900s, as PostgreSQL's YY reads them. */
const birthDay = (yymmdd: string): string => `${Number(yymmdd.slice(0, 2)) >= 70 ? '19' : '20'}${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;

/** Loads the demo register; running it again adds nothing twice. */
export async function seedDocuments(db: Database): Promise<void> {
  await db.ownerTransaction(async (tx) => {
    const exists = await tx.maybeOne(sql`SELECT 1 FROM travel_documents LIMIT 1`);
    if (exists) return;
    for (const [member, count] of REGISTERS) {
      const known = await tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${member}`);
      if (!known) continue;
      // Deterministic variety from the row number: statuses, types, dates over three years, places, a few
      // records shared with the member's groups only or kept to the owner.
      await tx.query(sql`
        INSERT INTO travel_documents (issuer, doc_type, number, status, reported_on, lost_on, expires_on, place, owner, audience_kind, audience_groups, tlp)
        SELECT ${member}, (${TYPES}::text[])[1 + (g * 7) % 10], upper(substr(${member}, 1, 1)) || lpad(((g * 7919 + ${count}) % 10000000)::text, 8, '0'),
          (${STATUSES}::text[])[1 + (g * 3) % 10], current_date - ((g * 13) % 1100), current_date - ((g * 13) % 1100) - (g % 5),
          current_date + ((g * 29) % 3000) - 400, (${PLACES}::text[])[1 + g % 8], ${member},
          CASE WHEN g % 23 = 0 THEN 'owner' WHEN g % 17 = 0 AND EXISTS (SELECT 1 FROM group_members WHERE member_code = ${member} AND group_code = 'ad-hoc-group') THEN 'groups' ELSE 'all' END,
          CASE WHEN g % 23 <> 0 AND g % 17 = 0 AND EXISTS (SELECT 1 FROM group_members WHERE member_code = ${member} AND group_code = 'ad-hoc-group') THEN ARRAY['ad-hoc-group'] ELSE '{}'::text[] END,
          CASE WHEN g % 23 = 0 THEN 'AMBER' ELSE 'GREEN' END
        FROM generate_series(1, ${count}) g
        ON CONFLICT (issuer, doc_type, number) WHERE state = 'active' DO NOTHING`);
      // A few of each register were found again and cancelled.
      await tx.query(sql`UPDATE travel_documents SET state = 'cancelled', cancelled_at = now(), cancel_reason = 'found by the holder'
        WHERE owner = ${member} AND state = 'active' AND doc_type = 'passport' AND right(number, 2) = '07'`);
    }
    for (const passport of DEMO_PASSPORTS) {
      const known = await tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${passport.issuer}`);
      if (!known) continue;
      // Holder details sealed with the issuer's data key, as every write seals them (holders.ts).
      const holder = holderOf({ surname: passport.surname, givenNames: passport.given, nationality: passport.issuer, birthDate: birthDay(passport.birth), sex: passport.sex });
      const stored = (await holderSealer({ db }, tx, passport.issuer)).seal({ issuer: passport.issuer, type: 'passport', number: passport.number }, holder);
      await tx.query(sql`
        INSERT INTO travel_documents (issuer, doc_type, number, status, reported_on, lost_on, place, holder_sealed, holder_digest, owner, audience_kind, tlp)
        VALUES (${passport.issuer}, 'passport', ${passport.number}, ${passport.status}, current_date - 30, current_date - 32, 'Demo: reported at a police station',
          ${stored.sealed}, ${stored.digest}, ${passport.issuer}, 'all', 'GREEN')
        ON CONFLICT (issuer, doc_type, number) WHERE state = 'active' DO NOTHING`);
    }
    // A document Australia seized and reported to Indonesia, waiting for Indonesia's decision.
    await tx.query(sql`
      INSERT INTO travel_documents (issuer, doc_type, number, status, state, place, reported_by, report_note, owner, audience_kind, tlp)
      SELECT 'IDN', 'passport', 'C9988776', 'counterfeit', 'pending-confirmation', 'Darwin airport, arrivals', 'AUS',
        'Seized from a passenger on arrival; photo page substituted. Please confirm the number was never issued.', 'IDN', 'owner', 'AMBER'
      WHERE EXISTS (SELECT 1 FROM members WHERE code = 'AUS') AND EXISTS (SELECT 1 FROM members WHERE code = 'IDN')`);
    // Two hits: Malaysia checked an Australian passport, Thailand an Indonesian one; Indonesia answered its hit.
    await tx.query(sql`
      INSERT INTO document_hits (document_id, issuer, doc_type, number, status, checker, checked_by, purpose, via, owner, audience_kind, audience_members, tlp,
        outcome, notes, answered_at, created_at)
      SELECT d.id, d.issuer, d.doc_type, d.number, d.status, h.checker, u.id, h.purpose, 'mrz', d.owner, 'members', ARRAY[h.checker], d.tlp,
        h.outcome, h.notes, CASE WHEN h.outcome = 'pending' THEN NULL ELSE now() - interval '1 hour' END, now() - h.age
      FROM (VALUES ('AUS', 'PA0123456', 'MYS', 'officer@mys.demo', 'Border control, KLIA arrivals', 'pending', NULL, interval '3 hours'),
                   ('IDN', 'B7654321', 'THA', 'officer@tha.demo', 'Visa application, Bangkok', 'confirmed', 'Our record is current: retain the passport and contact our embassy.', interval '2 days'))
        AS h(issuer, number, checker, email, purpose, outcome, notes, age)
      JOIN travel_documents d ON d.issuer = h.issuer AND d.number = h.number AND d.doc_type = 'passport' AND d.state = 'active'
      JOIN users u ON u.email = h.email`);
    // Each hit's checks: the one that opened it and, for Malaysia's, a repeat check an hour later that joined it.
    await tx.query(sql`
      INSERT INTO document_hit_checks (hit_id, checker, checked_by, purpose, via, checked_at, owner, audience_kind, audience_members, tlp)
      SELECT h.id, h.checker, h.checked_by, h.purpose, h.via, h.created_at, h.owner, 'members', ARRAY[h.checker], h.tlp FROM document_hits h
      UNION ALL
      SELECT h.id, h.checker, h.checked_by, 'Border control, KLIA transfer desk', 'number', h.created_at + interval '1 hour', h.owner, 'members', ARRAY[h.checker], h.tlp
      FROM document_hits h WHERE h.checker = 'MYS' AND h.number = 'PA0123456'`);
  });
}
