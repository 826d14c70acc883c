import { reportAbilities } from './policy.js';
import type { Actor } from '../../../platform/auth/actor.js';
import { presentSharing } from '../../../platform/sharing/rule.js';
import type { ReportRecord } from './queries.js';
import type { Report } from './schemas.js';
import type { ReportInput } from '../schemas.js';

const numberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

/** Drops the keys whose value is undefined, so optional fields are absent rather than null. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The object, or undefined when it has no field. */
const some = <T extends object>(value: T): T | undefined => (Object.keys(value).length > 0 ? value : undefined);

/** The counts the report gave: a count it left blank is absent (unknown), never 0. Reports older than migration 0021 gave them all. */
function givenCounts<K extends string>(row: ReportRecord, counts: Record<K, number>): Partial<Record<K, number>> | undefined {
  const given = row.counts_given;
  const kept = Object.entries<number>(counts).filter(([key]) => given === null || given.includes(key));
  return kept.length > 0 ? (Object.fromEntries(kept) as Partial<Record<K, number>>) : undefined;
}

/** The report's content in the shape clients send it (`ReportInput`), rebuilt from the columns. */
function reportContent(row: ReportRecord): Omit<ReportInput, 'sharing'> {
  const feeAmount = numberOrNull(row.fee_amount);
  const jsonArray = <T>(value: unknown): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : ((value ?? []) as T[]));
  return defined({
    agency: row.agency ?? undefined,
    when: row.occurred_from ? defined({ from: row.occurred_from, to: row.occurred_to ?? undefined }) : undefined,
    where: defined({
      country: row.country ?? undefined,
      place: row.place ?? undefined,
      latitude: row.latitude ?? undefined,
      longitude: row.longitude ?? undefined,
      kind: (row.place_kind ?? undefined) as ReportInput['where']['kind'],
      seaArea: row.sea_area ?? undefined,
      sourceRegion: row.source_region ?? undefined,
      namedCountry: row.named_country ?? undefined,
    }),
    incidentType: row.incident_type as ReportInput['incidentType'],
    origin: row.origin ?? undefined,
    destination: row.destination ?? undefined,
    route: jsonArray<NonNullable<ReportInput['route']>[number]>(row.route),
    people: jsonArray<NonNullable<ReportInput['people']>[number]>(row.people),
    vulnerabilities: row.vulnerabilities as ReportInput['vulnerabilities'],
    outcomes: givenCounts(row, {
      intercepted: row.intercepted,
      rescued: row.rescued,
      dead: row.dead,
      missing: row.missing,
      returned: row.returned,
      claimedAsylum: row.claimed_asylum,
    }),
    fee:
      feeAmount !== null && row.fee_currency && row.fee_basis
        ? {
            amount: feeAmount,
            currency: row.fee_currency,
            basis: row.fee_basis as NonNullable<ReportInput['fee']>['basis'],
            paymentMethods: row.fee_payment_methods as NonNullable<ReportInput['fee']>['paymentMethods'],
            covers: row.fee_covers as NonNullable<ReportInput['fee']>['covers'],
          }
        : undefined,
    smugglers: defined({
      count: row.smugglers_count ?? undefined,
      citizenships: row.smuggler_citizenships,
      roles: row.smuggler_roles as NonNullable<ReportInput['smugglers']>['roles'],
      methods: row.methods as NonNullable<ReportInput['smugglers']>['methods'],
    }),
    documents: { kinds: row.document_kinds as NonNullable<ReportInput['documents']>['kinds'], issuingCountries: row.document_issuers },
    lawEnforcement: givenCounts(row, { arrests: row.arrests, charges: row.charges, prosecutions: row.prosecutions, convictions: row.convictions }),
    source: row.source ?? undefined,
    sourceDetails: some(
      defined({
        recordId: row.source_record_id ?? undefined,
        url: row.source_url ?? undefined,
        quality: row.source_quality ?? undefined,
      }),
    ),
    narrative: row.narrative,
    countsInRegional: row.counts_in_regional,
  });
}

/** A report as it leaves the server: its content, workflow state, sharing fields and the actor's abilities. */
export function presentReport(actor: Actor, row: ReportRecord): Report {
  return {
    id: row.id,
    status: row.status,
    codeListVersion: row.code_list_version,
    ...reportContent(row),
    peopleTotal: row.people_total,
    ...presentSharing(actor, row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    submittedAt: row.submitted_at?.toISOString() ?? null,
    approvedAt: row.approved_at?.toISOString() ?? null,
    withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
    // The approver's note on a report returned to draft, for the owner's users until it is submitted again.
    returnNote: row.owner === actor.member && row.return_note !== null ? { note: row.return_note, returnedAt: row.returned_at?.toISOString() ?? null } : null,
    abilities: reportAbilities(actor, row),
  };
}
