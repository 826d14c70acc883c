/**
 * Reports as records that hold entities (platform/entity-sources.ts): the vessels named on their
 * route legs (IMO number, MMSI, name with flag). Vessels are not people, so a non-nominal report may
 * name them. The entity rows copy the access fields the report has for others: its sharing once it
 * is approved and shared, its owner alone before (a draft, a submitted report, a withdrawn one), so a
 * link or notice never shows more than the report does. Every write of a report offers it again, in
 * its own transaction.
 */
import type { Ctx } from '../../../platform/context.js';
import type { Tx } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { entityNormaliserFor, EntityError } from '../../../platform/entities.js';
import { offerEntities, withdrawEntities, type EntitySource } from '../../../platform/entity-sources.js';
import type { FieldError } from '../../../platform/errors.js';
import type { SharingRow } from '../../../platform/sharing/model.js';
import type { ReportInput, ReportStatus, RouteLeg } from '../schemas.js';
import { INCIDENT_TYPES } from '../codes.js';
import { reportVisibility } from './queries.js';
import { reportInWords } from './words.js';

/** The counts a holder may disclose, by their input names (`counts_given`) and columns. */
const COUNTS = [
  { name: 'intercepted', label: 'People intercepted' },
  { name: 'rescued', label: 'People rescued (survivors)' },
  { name: 'dead', label: 'People dead' },
  { name: 'missing', label: 'People missing' },
] as const;

interface DisclosedReportRow {
  id: string;
  incident_type: string;
  occurred_from: string | null;
  occurred_to: string | null;
  country: string | null;
  place: string | null;
  sea_area: string | null;
  route: RouteLeg[] | string;
  narrative: string;
  counts_given: string[] | null;
  intercepted: number;
  rescued: number;
  dead: number;
  missing: number;
}

export const reportSource: EntitySource = {
  recordType: 'report',
  entities: { vessel: { imo: 'imo', mmsi: 'mmsi', name: 'vesselName', flag: 'vesselFlag' } },
  /** The reports the viewer may see by the reports' own rules (shared only, reciprocity), labelled as their list shows them. */
  async shown(ctx, ids) {
    const rows = await ctx.tx.query<{ id: string; incident_type: string; country: string | null; sea_area: string | null; source_region: string | null; occurred_from: string | null }>(sql`
      SELECT r.id, r.incident_type, r.country, r.sea_area, r.source_region, r.occurred_from::text AS occurred_from FROM reports r
      WHERE r.id = ANY(${[...ids]}::uuid[]) AND ${reportVisibility(ctx, 'r')}`);
    return new Map(rows.map((row) => [row.id, `${reportInWords(row)}${row.occurred_from ? `, ${row.occurred_from}` : ''}`]));
  },
  /**
   * What a report's owner may disclose of it (a report is non-nominal): what happened, when and where,
   * its route legs with their vessels, the counts it gave (a count left blank is null, never 0) and
   * its narrative. Nothing the report does not hold itself.
   */
  disclosable: {
    fields: [
      { name: 'incidentType', label: 'Kind of incident' },
      { name: 'occurredFrom', label: 'Date (from)' },
      { name: 'occurredTo', label: 'Date (to)' },
      { name: 'country', label: 'Country' },
      { name: 'place', label: 'Place' },
      { name: 'seaArea', label: 'Sea area' },
      { name: 'route', label: 'Route legs, with their vessels' },
      ...COUNTS,
      { name: 'narrative', label: 'Narrative' },
    ],
    async read(ctx, ids) {
      const rows = await ctx.tx.query<DisclosedReportRow>(sql`
        SELECT r.id, r.incident_type, r.occurred_from::text AS occurred_from, r.occurred_to::text AS occurred_to, r.country, r.place, r.sea_area, r.route, r.narrative,
          r.counts_given, r.intercepted, r.rescued, r.dead, r.missing
        FROM reports r WHERE r.id = ANY(${[...ids]}::uuid[]) AND r.owner = ${ctx.actor.member} AND ${ctx.visible('r')}`);
      return new Map(rows.map((row) => [row.id, disclosedReport(row)]));
    },
  },
};

function disclosedReport(row: DisclosedReportRow): Record<string, unknown> {
  // A report written before migration 0021 gave every count.
  const given = (count: string): boolean => row.counts_given === null || row.counts_given.includes(count);
  return {
    incidentType: (INCIDENT_TYPES.labels as Record<string, string>)[row.incident_type] ?? row.incident_type,
    occurredFrom: row.occurred_from,
    occurredTo: row.occurred_to,
    country: row.country,
    place: row.place,
    seaArea: row.sea_area,
    route: typeof row.route === 'string' ? (JSON.parse(row.route) as RouteLeg[]) : row.route,
    ...Object.fromEntries(COUNTS.map(({ name }) => [name, given(name) ? row[name] : null])),
    narrative: row.narrative,
  };
}

interface OfferedReportRow extends SharingRow {
  id: string;
  status: ReportStatus;
  country: string | null;
  route: RouteLeg[];
}

/**
 * Offers the reports' vessels, as they now stand, in the caller's transaction (the report's write).
 * After a change of status or sharing alone (`withVesselsOnly`), a report that names no vessel had
 * none to keep in step and is skipped, so a bulk approval of thousands costs what their vessels do.
 */
export async function offerReports(tx: Tx, ids: readonly string[], options: { withVesselsOnly?: boolean } = {}): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.query<OfferedReportRow>(sql`
    SELECT r.id, r.status, r.country, r.route, r.owner, r.audience_kind, r.audience_members, r.audience_groups, r.tlp, r.handling, r.handling_note
    FROM reports r WHERE r.id = ANY(${[...ids]}::uuid[])
      ${options.withVesselsOnly ? sql`AND jsonb_path_exists(r.route, '$[*] ? (exists(@.imo) || exists(@.mmsi) || exists(@.vesselName))')` : sql``}`);
  await offerEntities(
    tx,
    rows.map((row) => ({
      module: 'reports',
      recordType: 'report',
      id: row.id,
      // Others see a report only once it is shared: before, its entity rows are its owner's alone.
      access:
        row.status === 'shared'
          ? { owner: row.owner, audience_kind: row.audience_kind, audience_members: row.audience_members, audience_groups: row.audience_groups, tlp: row.tlp, handling: row.handling, handling_note: row.handling_note }
          : { owner: row.owner, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: row.tlp, handling: row.handling, handling_note: row.handling_note },
      country: row.country,
      parts: typeof row.route === 'string' ? (JSON.parse(row.route) as RouteLeg[]) : row.route,
    })),
  );
}

/** After an import: the changed reports, and the reports of these keys that name vessels. */
export async function offerImported(tx: Tx, owner: string, source: string, keys: readonly string[], changed: readonly string[]): Promise<void> {
  const named = await tx.query<{ id: string }>(sql`SELECT r.id FROM reports r
    WHERE r.owner = ${owner} AND r.import_source = ${source} AND r.import_key = ANY(${[...keys]}::text[])
      AND jsonb_path_exists(r.route, '$[*] ? (exists(@.imo) || exists(@.mmsi) || exists(@.vesselName))')`);
  await offerReports(tx, [...new Set([...changed, ...named.map((row) => row.id)])]);
}

/** A deleted report's entities go with it. */
export async function withdrawReport(ctx: Ctx, id: string): Promise<void> {
  await withdrawEntities(ctx.tx, [{ module: 'reports', recordType: 'report', id }]);
}

/** Whether any leg of the input names a vessel. */
export const namesVessels = (input: ReportInput): boolean => (input.route ?? []).some((leg) => leg.imo ?? leg.mmsi ?? leg.vesselName);

/**
 * The route legs' IMO numbers and MMSIs that cannot be read, at their pointers, by linkage's own
 * normalisers (offered through the platform's registry: the one form, never a second copy).
 */
export function vesselErrors(input: ReportInput): FieldError[] {
  const errors: FieldError[] = [];
  (input.route ?? []).forEach((leg, index) => {
    for (const field of ['imo', 'mmsi'] as const) {
      const value = leg[field];
      const normalise = entityNormaliserFor(field);
      if (value === undefined || !normalise) continue;
      try {
        normalise({ [field]: value });
      } catch (error) {
        if (!(error instanceof EntityError)) throw error;
        errors.push({ pointer: `/route/${index}/${field}`, detail: error.message });
      }
    }
    if (leg.vesselFlag !== undefined && leg.vesselName === undefined) errors.push({ pointer: `/route/${index}/vesselName`, detail: 'a vessel flag goes with the vessel’s name' });
  });
  return errors;
}
