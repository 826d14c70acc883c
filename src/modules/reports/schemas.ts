import { Type, type Static } from 'typebox';
import { OneOf, Shaped, Strict } from '../../platform/schema.js';
import { Sharing } from '../../platform/sharing/model.js';
import {
  CONVEYANCES, DOCUMENT_USE, FEE_BASES, FEE_COVERS, INCIDENT_TYPES, METHODS, PAYMENT_METHODS, PLACE_KINDS, REPORT_STATUSES, SMUGGLER_ROLES,
  TRANSPORT_MODES, VULNERABILITIES,
} from './codes.js';

/**
 * An incident report (DESIGN.md §2, `reports`): non-nominal by construction. There is no field for a
 * person's name, date of birth or document number; the narrative is checked for such identifiers.
 */

const COUNTRY_SHAPE = 'an ISO 3166-1 alpha-3 country code in capitals, such as IDN';
export const Country = Shaped('^[A-Z]{3}$', COUNTRY_SHAPE, { description: 'ISO 3166-1 alpha-3 country code' });
const Day = Type.String({ format: 'date' });
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const CountryAs = (description: string) => Shaped('^[A-Z]{3}$', COUNTRY_SHAPE, { description });
const Codes = <T extends readonly string[]>(codes: T, max = 20) => Type.Array(OneOf(codes), { maxItems: max, uniqueItems: true });

export const RouteLeg = Strict({
  from: Country,
  to: Country,
  transit: Type.Optional(Type.Array(Text(120), { maxItems: 10, description: 'places passed through on this leg' })),
  mode: Type.Optional(OneOf(TRANSPORT_MODES.codes)),
  conveyance: Type.Optional(OneOf(CONVEYANCES.codes)),
  // The vessel of a leg at sea: vessels are not people, so a non-nominal report may name them (linkage matches them).
  imo: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[^|]*$', description: 'the vessel’s IMO number, seven digits with their check digit (IMO 9074729)' })),
  mmsi: Type.Optional(Type.String({ minLength: 1, maxLength: 20, pattern: '^[^|]*$', description: 'the vessel’s Maritime Mobile Service Identity, nine digits' })),
  vesselName: Type.Optional(Type.String({ minLength: 1, maxLength: 120, pattern: '^[^|]*$', description: 'the vessel’s name as painted on it' })),
  vesselFlag: Type.Optional(CountryAs('the vessel’s flag state (alpha-3)')),
});
export type RouteLeg = Static<typeof RouteLeg>;

/** People moved, by citizenship: counts by sex and age group. */
export const PeopleGroup = Strict({
  citizenship: Type.Union([Country, Type.Literal('XXX')], { description: 'ISO alpha-3, XXX for stateless or unknown' }),
  adultMen: Type.Optional(Count),
  adultWomen: Type.Optional(Count),
  boys: Type.Optional(Count),
  girls: Type.Optional(Count),
  unknownSexOrAge: Type.Optional(Count),
  unaccompaniedChildren: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'of the children counted, how many travelled alone' })),
});
export type PeopleGroup = Static<typeof PeopleGroup>;

const Outcomes = Strict({
  intercepted: Type.Optional(Count),
  rescued: Type.Optional(Count),
  dead: Type.Optional(Count),
  missing: Type.Optional(Count),
  returned: Type.Optional(Count),
  claimedAsylum: Type.Optional(Count),
});

const Fee = Strict({
  amount: Type.Number({ minimum: 0, maximum: 1e9 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  basis: OneOf(FEE_BASES.codes),
  paymentMethods: Type.Optional(Codes(PAYMENT_METHODS.codes)),
  covers: Type.Optional(Codes(FEE_COVERS.codes)),
});

const Smugglers = Strict({
  count: Type.Optional(Count),
  citizenships: Type.Optional(Type.Array(Country, { maxItems: 20, uniqueItems: true })),
  roles: Type.Optional(Codes(SMUGGLER_ROLES.codes)),
  methods: Type.Optional(Codes(METHODS.codes)),
});

const DocumentsUsed = Strict({
  kinds: Type.Optional(Codes(DOCUMENT_USE.codes)),
  issuingCountries: Type.Optional(Type.Array(Country, { maxItems: 20, uniqueItems: true })),
});

const LawEnforcement = Strict({
  arrests: Type.Optional(Count),
  charges: Type.Optional(Count),
  prosecutions: Type.Optional(Count),
  convictions: Type.Optional(Count),
});

/**
 * Where the incident happened. A place on land, or at sea within reach of a coast, has its country;
 * a place far at sea (kind `at-sea`) may have none, and then names its sea area or carries its
 * source's region (derive.ts checks both rules).
 */
const Where = Strict({
  country: Type.Optional(CountryAs('ISO 3166-1 alpha-3: where it happened, or the coastal state nearest a place at sea; required unless kind is at-sea')),
  place: Type.Optional(Text(200)),
  latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  kind: Type.Optional(OneOf(PLACE_KINDS.codes)),
  seaArea: Type.Optional(Text(120, 'at sea: the sea area, as the reporter or the source names it (e.g. "Andaman Sea")')),
  sourceRegion: Type.Optional(Text(120, 'the region the source itself gives (e.g. the IOM Missing Migrants Project\'s "Region of Incident")')),
  namedCountry: Type.Optional(CountryAs('the country the place\'s description names, kept where it is not the one found from the coordinates, for analysts to check')),
});

/** What the source says of itself, kept beside the report's own source text (an import keeps it from the file). */
const SourceDetails = Strict({
  recordId: Type.Optional(Text(200)),
  url: Type.Optional(Text(2000)),
  quality: Type.Optional(Text(40)),
}, { description: "the source's own identifier of the record, links to it, and its own grading of its quality (e.g. 3/5); the region it places the incident in is the place's sourceRegion" });

const When = Strict({
  from: Day,
  to: Type.Optional(Day),
});

const reportFields = {
  agency: Type.Optional(Text(200)),
  when: Type.Optional(When),
  where: Where,
  incidentType: OneOf(INCIDENT_TYPES.codes),
  origin: Type.Optional(Country),
  destination: Type.Optional(Country),
  route: Type.Optional(Type.Array(RouteLeg, { maxItems: 20 })),
  people: Type.Optional(Type.Array(PeopleGroup, { maxItems: 60 })),
  vulnerabilities: Type.Optional(Codes(VULNERABILITIES.codes)),
  outcomes: Type.Optional(Outcomes),
  fee: Type.Optional(Fee),
  smugglers: Type.Optional(Smugglers),
  documents: Type.Optional(DocumentsUsed),
  lawEnforcement: Type.Optional(LawEnforcement),
  source: Type.Optional(Text(300)),
  sourceDetails: Type.Optional(SourceDetails),
  narrative: Type.Optional(Type.String({ maxLength: 4000 })),
  countsInRegional: Type.Optional(Type.Boolean({ description: 'count towards regional aggregates even where the details are not shared' })),
  sharing: Sharing,
};

export const ReportInput = Strict(reportFields);
export type ReportInput = Static<typeof ReportInput>;

export const ReportStatus = OneOf(REPORT_STATUSES.codes);
export type ReportStatus = Static<typeof ReportStatus>;
