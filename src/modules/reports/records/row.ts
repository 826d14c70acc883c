import type { SharingRow } from '../../../platform/sharing/model.js';
import type { PeopleGroup, ReportStatus, RouteLeg } from '../schemas.js';

/**
 * A row of `reports` (migrations 0003, 0006 and 0017) as both drivers give it back: the one description of
 * the table's columns. Each reader takes the columns it selects from it: the record's reads
 * (queries.ts), what a write sends (derive.ts `ReportColumns`) and the export (transfer/export.ts).
 */
export interface ReportRow extends SharingRow {
  id: string;
  code_list_version: number;
  status: ReportStatus;
  agency: string | null;
  occurred_from: string | null;
  occurred_to: string | null;
  /** NULL only for a place far at sea (place_kind at-sea; migration 0017). */
  country: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  place_kind: string | null;
  sea_area: string | null;
  source_region: string | null;
  named_country: string | null;
  incident_type: string;
  origin: string | null;
  destination: string | null;
  route: RouteLeg[];
  people: PeopleGroup[];
  vulnerabilities: string[];
  modes: string[];
  flows: string[];
  citizenships: string[];
  people_total: number;
  adult_men: number;
  adult_women: number;
  boys: number;
  girls: number;
  unknown_sex_or_age: number;
  unaccompanied_children: number;
  intercepted: number;
  rescued: number;
  dead: number;
  missing: number;
  returned: number;
  claimed_asylum: number;
  /** numeric(14, 2): text from pg, a number from PGlite. */
  fee_amount: string | number | null;
  fee_currency: string | null;
  fee_basis: string | null;
  /** numeric(14, 2), like `fee_amount`. */
  fee_per_person: string | number | null;
  fee_payment_methods: string[];
  fee_covers: string[];
  smugglers_count: number | null;
  smuggler_citizenships: string[];
  smuggler_roles: string[];
  methods: string[];
  document_kinds: string[];
  document_issuers: string[];
  arrests: number;
  charges: number;
  prosecutions: number;
  convictions: number;
  source: string | null;
  source_record_id: string | null;
  source_url: string | null;
  source_quality: string | null;
  narrative: string;
  counts_in_regional: boolean;
  /** The outcome and law-enforcement counts the report gave, by input name (migration 0021); NULL for older reports: all given. */
  counts_given: string[] | null;
  import_source: string | null;
  import_key: string | null;
  /** The import run that last wrote it. */
  import_id: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  submitted_by: string | null;
  approved_at: Date | null;
  approved_by: string | null;
  withdrawn_at: Date | null;
  return_note: string | null;
  returned_at: Date | null;
}

/** The columns of the workflow and of imports: set by the service and the importer, never by a report's content. */
type RecordColumn = 'id' | 'status' | 'import_source' | 'import_key' | 'import_id' | 'created_by' | 'created_at' | 'updated_at' | 'submitted_at' | 'submitted_by'
  | 'approved_at' | 'approved_by' | 'withdrawn_at' | 'return_note' | 'returned_at';

/** The columns a report's content decides (its input, less the sharing fields): every write sets them together. */
export type ContentColumn = Exclude<keyof ReportRow, RecordColumn | keyof SharingRow>;
