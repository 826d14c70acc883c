/**
 * The reports module as the web app sees it. The shapes are the server's own schemas
 * (src/modules/reports/schemas.ts, records/schemas.ts), imported as types only, so a change there is a
 * type error here; the code lists and their labels are the server's import-free codes.ts.
 */
import type { Static } from 'typebox';
import type { PeopleGroup as PeopleGroupSchema, ReportInput as ReportInputSchema } from '../../../../src/modules/reports/schemas.js';
import type {
  BulkBody as BulkBodySchema,
  BulkResult as BulkResultSchema,
  CodeListsResponse,
  Report as ReportSchema,
  ReportOne as ReportOneSchema,
} from '../../../../src/modules/reports/records/schemas.js';
import { REPORT_STATUSES } from '../../../../src/modules/reports/codes.js';
import type { ImportMapping as ImportMappingSchema, MappingPreview as MappingPreviewSchema, SavedMapping as SavedMappingSchema } from '../../../../src/modules/reports/transfer/import/mapping-schemas.js';
import type { ImportRun as ImportRunSchema } from '../../../../src/modules/reports/transfer/import/run-schemas.js';
import type { ImportOptions as ImportOptionsSchema, ImportResult as ImportResultSchema } from '../../../../src/modules/reports/transfer/import/schemas.js';
import { allOf } from '../../platform.js';

export { REPORT_STATUSES };

export type ReportInput = Static<typeof ReportInputSchema>;
type PeopleGroup = Static<typeof PeopleGroupSchema>;
export type Report = Static<typeof ReportSchema>;
export type ReportStatus = Report['status'];
/** GET /reports/:id and every write: the report and what the user may do with it. */
export type ReportOne = Static<typeof ReportOneSchema>;
/** POST /reports/bulk/{submit,approve}: the selection (ids or the list's filter) and the answer. */
export type BulkBody = Static<typeof BulkBodySchema>;
export type BulkResult = Static<typeof BulkResultSchema>;
export type BulkFilter = NonNullable<BulkBody['filter']>;
/** GET /reports/code-lists: every list with its labels, and the countries. */
export type CodeLists = Static<typeof CodeListsResponse>;

/**
 * A report as the form sends it: the server's ReportInput with its codes as the text the form's
 * fields hold (the server checks them and names a wrong one).
 */
export type ReportDraftInput = AsText<ReportInput>;
type AsText<T> = T extends string ? string : T extends readonly (infer U)[] ? AsText<U>[] : T extends object ? { [K in keyof T]: AsText<T[K]> } : T;

export type PeopleCount = Exclude<keyof PeopleGroup, 'citizenship'>;
export const PEOPLE_COUNTS = allOf<PeopleCount>({ adultMen: true, adultWomen: true, boys: true, girls: true, unknownSexOrAge: true, unaccompaniedChildren: true });
export type Outcome = keyof NonNullable<ReportInput['outcomes']>;
export const OUTCOMES = allOf<Outcome>({ intercepted: true, rescued: true, dead: true, missing: true, returned: true, claimedAsylum: true });
export type LawEnforcementCount = keyof NonNullable<ReportInput['lawEnforcement']>;
export const LAW_ENFORCEMENT = allOf<LawEnforcementCount>({ arrests: true, charges: true, prosecutions: true, convictions: true });

type Labels = Readonly<Record<string, string>>;

/** The label of a code, or the code itself when the list does not know it. */
export function labelOf(labels: Labels | undefined, code: string | undefined): string {
  if (!code) return '';
  return labels?.[code] ?? code;
}

/** The column mapping of a file of one's own (POST /reports/import-mappings/preview suggests one). */
export type ImportMapping = Static<typeof ImportMappingSchema>;
export type MappingTargetColumn = ImportMapping['columns'][number]['target'];
export type MappingPreview = Static<typeof MappingPreviewSchema>;
export type SavedMapping = Static<typeof SavedMappingSchema>;
/** An import as a record, with its progress (GET /reports/import-runs/:id). */
export type ImportRun = Static<typeof ImportRunSchema>;
export type ImportOptions = Static<typeof ImportOptionsSchema>;
export type ImportResult = Static<typeof ImportResultSchema>;
