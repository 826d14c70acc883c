import { isCountryCode } from '../../../platform/geo/countries.js';
import { CODE_LIST_VERSION } from '../codes.js';
import { nonNominalErrors } from './non-nominal.js';
import { vesselErrors } from './entities.js';
import type { ReportInput } from '../schemas.js';
import type { ContentColumn, ReportRow } from './row.js';

/**
 * The content columns of a report as a write sends them (store.ts, the import's bulk insert): the
 * nested parts as JSON text (cast to jsonb), amounts as numbers, and the columns for the analysis
 * derived from the parts.
 */
export type ReportColumns = Omit<Pick<ReportRow, ContentColumn>, 'route' | 'people' | 'fee_amount' | 'fee_per_person'> & {
  route: string;
  people: string;
  fee_amount: number | null;
  fee_per_person: number | null;
};

const unique = <T>(values: readonly (T | undefined)[]): T[] => [...new Set(values.filter((v): v is T => v !== undefined))].sort();
/** The names of the counts an object gives (a blank count is absent, not 0). */
const given = (counts: object): string[] => Object.entries(counts).filter(([, value]) => value !== undefined).map(([key]) => key);
const sum = (values: readonly (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

export function deriveColumns(input: ReportInput): ReportColumns {
  const route = input.route ?? [];
  const people = input.people ?? [];
  const adultMen = sum(people.map((p) => p.adultMen));
  const adultWomen = sum(people.map((p) => p.adultWomen));
  const boys = sum(people.map((p) => p.boys));
  const girls = sum(people.map((p) => p.girls));
  const unknown = sum(people.map((p) => p.unknownSexOrAge));
  const peopleTotal = adultMen + adultWomen + boys + girls + unknown;
  const flows = route.length > 0 ? unique(route.map((leg) => `${leg.from}>${leg.to}`)) : input.origin && input.destination ? [`${input.origin}>${input.destination}`] : [];
  const fee = input.fee;
  const feePerPerson = !fee ? null : fee.basis === 'per-person' ? fee.amount : peopleTotal > 0 ? Math.round((fee.amount / peopleTotal) * 100) / 100 : null;
  const outcomes = input.outcomes ?? {};
  const law = input.lawEnforcement ?? {};
  return {
    code_list_version: CODE_LIST_VERSION,
    agency: input.agency ?? null,
    occurred_from: input.when?.from ?? null,
    occurred_to: input.when?.to ?? null,
    country: input.where.country ?? null,
    place: input.where.place ?? null,
    latitude: input.where.latitude ?? null,
    longitude: input.where.longitude ?? null,
    place_kind: input.where.kind ?? null,
    sea_area: input.where.seaArea ?? null,
    source_region: input.where.sourceRegion ?? null,
    named_country: input.where.namedCountry ?? null,
    incident_type: input.incidentType,
    origin: input.origin ?? null,
    destination: input.destination ?? null,
    route: JSON.stringify(route),
    people: JSON.stringify(people),
    vulnerabilities: unique(input.vulnerabilities ?? []),
    modes: unique(route.map((leg) => leg.mode)),
    flows,
    citizenships: unique(people.map((p) => p.citizenship)),
    people_total: peopleTotal,
    adult_men: adultMen,
    adult_women: adultWomen,
    boys,
    girls,
    unknown_sex_or_age: unknown,
    unaccompanied_children: sum(people.map((p) => p.unaccompaniedChildren)),
    intercepted: outcomes.intercepted ?? 0,
    rescued: outcomes.rescued ?? 0,
    dead: outcomes.dead ?? 0,
    missing: outcomes.missing ?? 0,
    returned: outcomes.returned ?? 0,
    claimed_asylum: outcomes.claimedAsylum ?? 0,
    fee_amount: fee?.amount ?? null,
    fee_currency: fee?.currency ?? null,
    fee_basis: fee?.basis ?? null,
    fee_per_person: feePerPerson,
    fee_payment_methods: unique(fee?.paymentMethods ?? []),
    fee_covers: unique(fee?.covers ?? []),
    smugglers_count: input.smugglers?.count ?? null,
    smuggler_citizenships: unique(input.smugglers?.citizenships ?? []),
    smuggler_roles: unique(input.smugglers?.roles ?? []),
    methods: unique(input.smugglers?.methods ?? []),
    document_kinds: unique(input.documents?.kinds ?? []),
    document_issuers: unique(input.documents?.issuingCountries ?? []),
    arrests: law.arrests ?? 0,
    charges: law.charges ?? 0,
    prosecutions: law.prosecutions ?? 0,
    convictions: law.convictions ?? 0,
    source: input.source ?? null,
    source_record_id: input.sourceDetails?.recordId ?? null,
    source_url: input.sourceDetails?.url ?? null,
    source_quality: input.sourceDetails?.quality ?? null,
    narrative: input.narrative ?? '',
    counts_in_regional: input.countsInRegional ?? false,
    counts_given: [...given(outcomes), ...given(law)].sort(),
  };
}

let day = { text: '', until: 0 };

/** Today's date (UTC), worked out again only once the day is over: imports check every row. */
function today(): string {
  const now = Date.now();
  if (now >= day.until) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    day = { text: new Date(now).toISOString().slice(0, 10), until: midnight.getTime() };
  }
  return day.text;
}

/** Checks that need more than the schema: dates in order, children who travelled alone no more than the children. */
function consistencyErrors(input: ReportInput): { pointer: string; detail: string }[] {
  const errors: { pointer: string; detail: string }[] = [];
  if (input.when?.to && input.when.to < input.when.from) errors.push({ pointer: '/when/to', detail: 'must not be before the start date' });
  (input.people ?? []).forEach((group, index) => {
    const children = (group.boys ?? 0) + (group.girls ?? 0);
    if ((group.unaccompaniedChildren ?? 0) > children) {
      errors.push({ pointer: `/people/${index}/unaccompaniedChildren`, detail: `cannot be more than the children counted (${children})` });
    }
  });
  const seen = new Set<string>();
  (input.people ?? []).forEach((group, index) => {
    if (seen.has(group.citizenship)) errors.push({ pointer: `/people/${index}/citizenship`, detail: 'is listed twice; put each citizenship once' });
    seen.add(group.citizenship);
  });
  if (input.when && input.when.from > today()) errors.push({ pointer: '/when/from', detail: 'is in the future' });
  return errors;
}

/**
 * A place has a country unless it is at sea (far from any coast, the sea rule gives none); a place at
 * sea without one names its sea area or its source's region, so it is still somewhere.
 */
function placeErrors(where: ReportInput['where']): { pointer: string; detail: string }[] {
  if (where.country !== undefined) return [];
  if (where.kind !== 'at-sea') return [{ pointer: '/where/country', detail: 'is required for a place on land; only a place at sea (kind at-sea) may leave it out' }];
  if (where.seaArea === undefined && where.sourceRegion === undefined) {
    return [{ pointer: '/where/seaArea', detail: 'is required for a place at sea without a country: name the sea area (or give the source\'s region)' }];
  }
  return [];
}

/** Every country field of a report that is not an ISO 3166-1 alpha-3 code, each at its pointer. */
function countryErrors(input: ReportInput): { pointer: string; detail: string }[] {
  const errors: { pointer: string; detail: string }[] = [];
  const check = (code: string | undefined, pointer: string): void => {
    if (code !== undefined && !isCountryCode(code)) errors.push({ pointer, detail: `"${code}" is not an ISO 3166-1 alpha-3 country code` });
  };
  check(input.where.country, '/where/country');
  check(input.where.namedCountry, '/where/namedCountry');
  check(input.origin, '/origin');
  check(input.destination, '/destination');
  (input.route ?? []).forEach((leg, index) => {
    check(leg.from, `/route/${index}/from`);
    check(leg.to, `/route/${index}/to`);
  });
  (input.people ?? []).forEach((group, index) => {
    if (group.citizenship !== 'XXX') check(group.citizenship, `/people/${index}/citizenship`);
  });
  (input.smugglers?.citizenships ?? []).forEach((code, index) => check(code, `/smugglers/citizenships/${index}`));
  (input.documents?.issuingCountries ?? []).forEach((code, index) => check(code, `/documents/issuingCountries/${index}`));
  return errors;
}

/**
 * Every check of a report's content beyond its schema, the same for the API and for imports:
 * consistency, a place with its country (or at sea, its sea area), a narrative without names,
 * country codes that ISO 3166-1 knows, and vessels' IMO numbers and MMSIs that pass their checks.
 */
export function contentErrors(input: ReportInput): { pointer: string; detail: string }[] {
  return [...consistencyErrors(input), ...placeErrors(input.where), ...nonNominalErrors(input.narrative, '/narrative'), ...countryErrors(input), ...vesselErrors(input)];
}
