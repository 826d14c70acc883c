import { Type, type Static } from 'typebox';
import { Cursor, Limit } from '../../../platform/http/schemas.js';
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
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ReportListQuery = Static<typeof ReportListQuery>;

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
