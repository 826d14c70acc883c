import type { Tx } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { sharingValues } from '../../../platform/sharing/rule.js';
import { deriveColumns } from './derive.js';
import type { ReportInput, ReportStatus } from '../schemas.js';

/** The one way a report's content is written: derived columns and sharing fields from the input. */
function contentAssignments(input: ReportInput) {
  const c = deriveColumns(input);
  const s = sharingValues(input.sharing);
  return sql`code_list_version = ${c.code_list_version}, agency = ${c.agency}, occurred_from = ${c.occurred_from}::date,
    occurred_to = ${c.occurred_to}::date, country = ${c.country}, place = ${c.place}, latitude = ${c.latitude}, longitude = ${c.longitude},
    place_kind = ${c.place_kind}, sea_area = ${c.sea_area}, source_region = ${c.source_region}, named_country = ${c.named_country}, incident_type = ${c.incident_type}, origin = ${c.origin}, destination = ${c.destination},
    route = ${c.route}::jsonb, people = ${c.people}::jsonb, vulnerabilities = ${c.vulnerabilities}, modes = ${c.modes}, flows = ${c.flows},
    citizenships = ${c.citizenships}, people_total = ${c.people_total}, adult_men = ${c.adult_men}, adult_women = ${c.adult_women},
    boys = ${c.boys}, girls = ${c.girls}, unknown_sex_or_age = ${c.unknown_sex_or_age}, unaccompanied_children = ${c.unaccompanied_children},
    intercepted = ${c.intercepted}, rescued = ${c.rescued}, dead = ${c.dead}, missing = ${c.missing}, returned = ${c.returned},
    claimed_asylum = ${c.claimed_asylum}, fee_amount = ${c.fee_amount}, fee_currency = ${c.fee_currency}, fee_basis = ${c.fee_basis},
    fee_per_person = ${c.fee_per_person}, fee_payment_methods = ${c.fee_payment_methods}, fee_covers = ${c.fee_covers},
    smugglers_count = ${c.smugglers_count}, smuggler_citizenships = ${c.smuggler_citizenships}, smuggler_roles = ${c.smuggler_roles},
    methods = ${c.methods}, document_kinds = ${c.document_kinds}, document_issuers = ${c.document_issuers}, arrests = ${c.arrests},
    charges = ${c.charges}, prosecutions = ${c.prosecutions}, convictions = ${c.convictions}, source = ${c.source}, narrative = ${c.narrative},
    source_record_id = ${c.source_record_id}, source_url = ${c.source_url}, source_quality = ${c.source_quality},
    counts_in_regional = ${c.counts_in_regional}, counts_given = ${c.counts_given},
    audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups}, tlp = ${s.tlp},
    handling = ${s.handling}, handling_note = ${s.handling_note}, evaluation_source = ${s.evaluation_source},
    evaluation_information = ${s.evaluation_information}, updated_at = now()`;
}

/**
 * Inserts a report owned by `owner` (validated input only). The insert takes the defaults, then the
 * content is written by the same assignments an edit uses, so the two cannot drift apart.
 */
export async function insertReport(
  tx: Tx,
  owner: string,
  createdBy: string | null,
  input: ReportInput,
  options: { status?: ReportStatus; importSource?: string; importKey?: string } = {},
): Promise<string> {
  const row = await tx.one<{ id: string }>(sql`
    INSERT INTO reports (owner, code_list_version, country, place_kind, incident_type, status, created_by, import_source, import_key)
    VALUES (${owner}, 0, ${input.where.country ?? null}, ${input.where.kind ?? null}, ${input.incidentType}, ${options.status ?? 'draft'}, ${createdBy},
      ${options.importSource ?? null}, ${options.importKey ?? null})
    RETURNING id`);
  await updateReportContent(tx, row.id, input);
  return row.id;
}

/** Rewrites a report's content and sharing fields from validated input. */
export async function updateReportContent(tx: Tx, id: string, input: ReportInput): Promise<void> {
  await tx.query(sql`UPDATE reports SET ${contentAssignments(input)} WHERE id = ${id}`);
}
