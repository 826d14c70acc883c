import { Type, type Static } from 'typebox';
import { Cursor, Id, Limit } from '../../../platform/http/schemas.js';
import { OneOf, Strict } from '../../../platform/schema.js';
import { Sharing } from '../../../platform/sharing/model.js';
import { INCIDENT_TYPES } from '../codes.js';
import { Country, ReportInput, ReportStatus } from '../schemas.js';

/** The request and response schemas of the report records' routes (the record itself is `ReportInput`). */

export const ReportAbilities = Strict({
  update: Type.Boolean({ description: 'change the content (owner; not once withdrawn)' }),
  submit: Type.Boolean({ description: 'send a draft for approval' }),
  approve: Type.Boolean({ description: 'approve a submitted report and share it (an approver of the owner, not the submitter)' }),
  return: Type.Boolean({ description: 'send a submitted report back to draft with a note' }),
  withdraw: Type.Boolean({ description: 'withdraw a submitted or shared report' }),
  delete: Type.Boolean({ description: 'remove a draft' }),
  passOn: Type.Boolean({ description: 'may be exported, forwarded or re-shared (TLP and H2 permitting)' }),
});
export type ReportAbilities = Static<typeof ReportAbilities>;

const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);

export const Report = Strict({
  id: Type.String(),
  owner: Type.String(),
  status: ReportStatus,
  codeListVersion: Type.Integer(),
  ...ReportInput.properties,
  peopleTotal: Type.Integer({ description: 'the people counted, derived from `people`' }),
  sharing: Sharing,
  createdAt: Time,
  updatedAt: Time,
  submittedAt: MaybeTime,
  approvedAt: MaybeTime,
  withdrawnAt: MaybeTime,
  returnNote: Type.Union([Strict({ note: Type.String(), returnedAt: MaybeTime }), Type.Null()], {
    description: 'why an approver returned the report to draft; shown to the owner member until it is submitted again',
  }),
  abilities: ReportAbilities,
});
export type Report = Static<typeof Report>;

export const ReportOne = Strict({ data: Report, abilities: ReportAbilities });

const Day = Type.String({ format: 'date' });

export const ReportListQuery = Strict({
  status: Type.Optional(ReportStatus),
  incidentType: Type.Optional(OneOf(INCIDENT_TYPES.codes)),
  country: Type.Optional(Country),
  namedCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'reports whose place\'s description names this country while their point is elsewhere' })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  owner: Type.Optional(Type.String({ maxLength: 32 })),
  mine: Type.Optional(Type.Boolean({ description: 'only your member’s reports' })),
  toApprove: Type.Optional(Type.Boolean({ description: 'only your member’s submitted reports that you did not submit (four eyes): those waiting for an approver like you' })),
  importId: Type.Optional(Type.String({ format: 'uuid', description: 'only the reports one import run wrote (your member’s own)' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ReportListQuery = Static<typeof ReportListQuery>;

// Bulk submit and approve ---------------------------------------------------------------------------

/** The most reports one bulk act takes, by ids or by filter (5,965 rows of one import fit; the audit row's ids stay under 400 kB). */
export const BULK_LIMIT = 10_000;

/** The list's filter without its paging: a field added to the list's query selects bulk acts too. */
const { cursor: _cursor, limit: _limit, ...filterFields } = ReportListQuery.properties;
export const ReportFilter = Strict(filterFields, {
  description: `the list's filter (GET /reports); a bulk act takes your member's reports that match it, at most ${BULK_LIMIT.toLocaleString('en')}`,
});
export type ReportFilter = Static<typeof ReportFilter>;

export const BulkBody = Strict({
  ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: BULK_LIMIT, description: `the reports, each once (at most ${BULK_LIMIT.toLocaleString('en')})` })),
  filter: Type.Optional(ReportFilter),
  partial: Type.Optional(Type.Boolean({ description: 'act on the reports that can be and list the others; otherwise one that cannot be stops the whole act (409)' })),
  dryRun: Type.Optional(Type.Boolean({ description: 'judge every report and say what would happen; change nothing' })),
}, { description: 'Either ids or filter.' });
export type BulkBody = Static<typeof BulkBody>;

export const BULK_REFUSALS = ['not-found', 'not-owner', 'role', 'status', 'four-eyes'] as const;
export const BulkRefusal = Strict({
  id: Type.String(),
  reason: OneOf(BULK_REFUSALS, {
    description: 'not-found: no such report, or you may not see it · not-owner: another member’s · role · status: not in the state the act needs · four-eyes: you submitted it',
  }),
  detail: Type.String(),
});
export type BulkRefusal = Static<typeof BulkRefusal>;

export const BulkResult = Strict({
  act: OneOf(['submit', 'approve']),
  dryRun: Type.Boolean(),
  selected: Type.Integer({ description: 'the reports asked for: the ids sent, or your member’s reports matching the filter' }),
  done: Type.Integer({ description: 'the reports acted on (in a dry run: that would be)' }),
  ids: Type.Array(Type.String(), { description: 'the reports acted on (would be), in the order of the ids sent or of the list' }),
  refused: Type.Array(BulkRefusal, { description: 'the reports that cannot be acted on, and why (only with partial or dryRun: otherwise a 409 lists them)' }),
});
export type BulkResult = Static<typeof BulkResult>;

export const ReturnBody = Strict({
  note: Type.String({ minLength: 1, maxLength: 2000, description: 'what the reporting officer should change' }),
});
export type ReturnBody = Static<typeof ReturnBody>;

const Labels = Type.Record(Type.String(), Type.String());

export const CodeListsResponse = Strict({
  version: Type.Integer(),
  statuses: Labels,
  incidentTypes: Labels,
  placeKinds: Labels,
  transportModes: Labels,
  conveyances: Labels,
  vulnerabilities: Labels,
  paymentMethods: Labels,
  feeCovers: Labels,
  feeBases: Labels,
  smugglerRoles: Labels,
  methods: Labels,
  documentUse: Labels,
  countries: Type.Array(Strict({ code: Type.String(), name: Type.String() })),
});

/** A member's default sharing for its new reports (the new-report form starts from it). */
export const ReportDefaultsInput = Strict({
  sharing: Sharing,
  countsInRegional: Type.Boolean({ description: 'new reports count towards regional aggregates even where the details are not shared' }),
});
export type ReportDefaultsInput = Static<typeof ReportDefaultsInput>;

export const ReportDefaultsParams = Strict({ member: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', description: 'your own member' }) });

export const ReportDefaultsOne = Strict({
  data: Strict({
    member: Type.String(),
    sharing: Sharing,
    countsInRegional: Type.Boolean(),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null while the platform’s default holds' }),
  }),
  abilities: Strict({ update: Type.Boolean({ description: 'change them (a member-admin of the member)' }) }),
});
