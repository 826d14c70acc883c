import type { SharingInput } from '../../../../platform/sharing/model.js';
import {
  CONVEYANCES, DOCUMENT_USE, FEE_BASES, FEE_COVERS, INCIDENT_TYPES, METHODS, PAYMENT_METHODS, PLACE_KINDS, SMUGGLER_ROLES, TRANSPORT_MODES,
  VULNERABILITIES,
} from '../../codes.js';
import type { ReportInput } from '../../schemas.js';
import { CellError, readBoolean, readCode, readCount, readDateAs, readDecimal, readList, readText } from './cells.js';
import type { DateCell, ImportFormat, MappedRow, RowDefaults, RowError } from './format.js';

/**
 * The Lintas import template: one report per row, one column per field, nested parts in a compact
 * cell syntax. Lists are separated by semicolons. An export writes the same columns, so it re-imports.
 *
 * - route: legs separated by "|"; a leg is FROM>TO[:mode[:conveyance[:transit/transit…]]], e.g.
 *   "LKA>IDN:boat:fishing-boat|IDN>AUS:boat" (empty parts may be skipped: "IRN>TUR::truck").
 * - vessel_imo, vessel_mmsi, vessel_name, vessel_flag: the vessel of each route leg, in the order of
 *   the legs, separated by "|" as the legs are; a leg without one is empty ("|9074729" names the
 *   second leg's vessel only).
 * - people: groups separated by ";"; a group is CITIZENSHIP:key=count,… with the keys men, women,
 *   boys, girls, unknown (sex or age unknown) and unaccompanied (of the children, how many alone),
 *   e.g. "AFG:men=10,women=2,boys=3,girls=1,unaccompanied=2;IRN:men=4". XXX is unknown or stateless.
 * - audience: "all", "owner", "members:AAA;BBB" or "groups:group-a;group-b". When a row has neither
 *   audience nor tlp, the import's default sharing applies to it entirely; otherwise the row's own.
 * - evaluation: source letter and information digit, e.g. "B2".
 */

interface TemplateColumn {
  column: string;
  description: string;
  example: string;
  required: boolean;
  /** Allowed codes, for the instructions sheet. */
  codes?: readonly string[];
}

const col = (column: string, description: string, example: string, options: { required?: boolean; codes?: readonly string[] } = {}): TemplateColumn => ({
  column, description, example, required: options.required ?? false, ...(options.codes ? { codes: options.codes } : {}),
});

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  col('external_id', 'Your own identifier of the report (a case number, not a person\'s). Importing a row with the same external_id again updates or leaves the same report; it never makes a second one.', 'IDN-2024-0001', { required: true }),
  col('incident_type', 'What happened.', 'smuggling-sea', { required: true, codes: INCIDENT_TYPES.codes }),
  col('date_from', 'The day it happened, or began: YYYY-MM-DD, a spreadsheet date, 14-Mar-24, March 14, 2024, or 14/03/2024 with the day/month order given in the import\'s options.', '2024-03-14'),
  col('date_to', 'The day it ended, when it lasted several days (written as date_from).', '2024-03-16'),
  col('country', 'Where it happened: ISO 3166-1 alpha-3 country code (at sea, the nearest coastal state). Required, except for a place far at sea (place_kind at-sea) that gives sea_area.', 'IDN'),
  col('place', 'The place, in words (no addresses of people).', 'Off Rote Island'),
  col('latitude', 'Decimal degrees, -90 to 90.', '-10.73'),
  col('longitude', 'Decimal degrees, -180 to 180.', '123.05'),
  col('place_kind', 'The kind of place.', 'at-sea', { codes: PLACE_KINDS.codes }),
  col('sea_area', 'At sea: the sea area, in words.', 'Timor Sea'),
  col('source_region', 'The region your source gives, in its words.', 'Southeast Asia'),
  col('named_country', 'The country the place\'s description names, where it is not the country above (alpha-3).', ''),
  col('agency', 'The reporting agency.', 'Maritime police'),
  col('origin', 'Country the people set out from (alpha-3).', 'LKA'),
  col('destination', 'Country they were heading for (alpha-3).', 'AUS'),
  col('route', 'Legs separated by "|": FROM>TO[:mode[:conveyance[:transit/transit]]].', 'LKA>IDN:boat:fishing-boat|IDN>AUS:boat', { codes: [...TRANSPORT_MODES.codes, ...CONVEYANCES.codes] }),
  col('vessel_imo', 'The IMO number of each leg\'s vessel, in the order of the route\'s legs, separated by "|" (empty for a leg without): seven digits with their check digit.', '|9074729'),
  col('vessel_mmsi', 'The MMSI (nine digits) of each leg\'s vessel, separated by "|" like vessel_imo.', '|525012345'),
  col('vessel_name', 'The name of each leg\'s vessel, separated by "|" like vessel_imo (vessels are not people: a report may name them).', '|KM Sinar Bahari'),
  col('vessel_flag', 'The flag state (alpha-3) of each leg\'s vessel, separated by "|" like vessel_imo.', '|IDN'),
  col('people', 'People moved, by citizenship, groups separated by ";": CIT:men=n,women=n,boys=n,girls=n,unknown=n,unaccompanied=n (XXX for unknown).', 'AFG:men=10,women=2,boys=3,girls=1,unaccompanied=2;IRN:men=4'),
  col('vulnerabilities', 'Vulnerabilities seen, separated by ";".', 'pregnant-women;unaccompanied-children', { codes: VULNERABILITIES.codes }),
  col('intercepted', 'People intercepted (whole number).', '22'),
  col('rescued', 'People rescued.', '0'),
  col('dead', 'People who died.', '0'),
  col('missing', 'People missing.', '0'),
  col('returned', 'People returned.', '0'),
  col('claimed_asylum', 'People who claimed asylum.', '3'),
  col('fee_amount', 'The smuggling fee (decimal point).', '4500'),
  col('fee_currency', 'ISO 4217 currency of the fee.', 'USD'),
  col('fee_basis', 'Whether the fee is per person or in total.', 'per-person', { codes: FEE_BASES.codes }),
  col('fee_payment_methods', 'How it was paid, separated by ";".', 'cash;hawala', { codes: PAYMENT_METHODS.codes }),
  col('fee_covers', 'What the fee paid for, separated by ";".', 'transport;documents', { codes: FEE_COVERS.codes }),
  col('smugglers_count', 'Smugglers involved (whole number).', '2'),
  col('smuggler_citizenships', 'Their citizenships (alpha-3), separated by ";".', 'IDN'),
  col('smuggler_roles', 'Their roles, separated by ";".', 'organiser;transporter', { codes: SMUGGLER_ROLES.codes }),
  col('methods', 'Methods used, separated by ";".', 'mother-ship', { codes: METHODS.codes }),
  col('document_kinds', 'Travel documents used, separated by ";".', 'none', { codes: DOCUMENT_USE.codes }),
  col('document_issuers', 'Countries that issued them (alpha-3), separated by ";".', ''),
  col('arrests', 'Arrests (whole number).', '2'),
  col('charges', 'Charges.', '0'),
  col('prosecutions', 'Prosecutions.', '0'),
  col('convictions', 'Convictions.', '0'),
  col('source', 'Where the information comes from (no names of people).', 'Patrol report'),
  col('source_record_id', 'The source\'s own identifier of the record (e.g. IOM Missing Migrants Project\'s incident id).', '2020.MMP00012'),
  col('source_url', 'Links to the source, separated by commas.', 'https://example.org/article'),
  col('source_quality', 'The source\'s own grading of its quality, in its own scale (e.g. 3/5).', '3/5'),
  col('narrative', 'What happened, in words. Reports name no one: no names, phone numbers, e-mail addresses or document numbers.', 'Wooden boat intercepted at night.'),
  col('counts_in_regional', 'Count towards regional aggregates even where the details are not shared (true or false).', 'true'),
  col('owner', 'The member whose report it is, as exports write it. Empty, or your own member\'s code: an import writes only your member\'s reports, so a row of another member\'s report (from an export of what was shared with you) is refused.', 'IDN'),
  col('audience', 'Who may see it: all, owner, members:AAA;BBB or groups:group-a. Empty with tlp empty: the import\'s default sharing.', 'all'),
  col('tlp', 'Traffic Light Protocol 2.0.', 'AMBER', { codes: ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] }),
  col('handling', 'Handling codes, separated by ";".', '', { codes: ['H0', 'H1', 'H2', 'H3'] }),
  col('handling_note', 'The restriction, with H3.', ''),
  col('evaluation', 'Source reliability (A, B, C, X) and information credibility (1–4), e.g. B2.', ''),
];

export const TEMPLATE_COLUMN_NAMES = TEMPLATE_COLUMNS.map((c) => c.column);

const PEOPLE_KEYS = { men: 'adultMen', women: 'adultWomen', boys: 'boys', girls: 'girls', unknown: 'unknownSexOrAge', unaccompanied: 'unaccompaniedChildren' } as const;
type PeopleKey = keyof typeof PEOPLE_KEYS;
const PEOPLE_NAMES = Object.fromEntries(Object.entries(PEOPLE_KEYS).map(([key, field]) => [field, key])) as Record<string, PeopleKey>;

function readRoute(text: string): unknown[] | undefined {
  if (text.trim() === '') return undefined;
  return text.split('|').map((legText, index) => {
    const [fromTo = '', mode = '', conveyance = '', transit = ''] = legText.split(':').map((part) => part.trim());
    const [from, to, ...rest] = fromTo.split('>').map((part) => part.trim().toUpperCase());
    if (!from || !to || rest.length > 0) throw new CellError(`leg ${index + 1} ("${legText.trim().slice(0, 40)}") must start FROM>TO, e.g. LKA>IDN`);
    const leg: Record<string, unknown> = { from, to };
    if (mode) leg.mode = mode;
    if (conveyance) leg.conveyance = conveyance;
    if (transit) leg.transit = transit.split('/').map((place) => place.trim()).filter(Boolean);
    return leg;
  });
}

const VESSEL_COLUMNS = [['vessel_imo', 'imo'], ['vessel_mmsi', 'mmsi'], ['vessel_name', 'vesselName'], ['vessel_flag', 'vesselFlag']] as const;

/** Puts each vessel column's values on the route's legs, in their order; a value for a leg the route lacks is an error. */
function readVessels(reader: RowReader, route: Record<string, unknown>[] | undefined): void {
  for (const [column, field] of VESSEL_COLUMNS) {
    const values = reader.read(column, (text) => {
      const parts = text.split('|').map((part) => part.trim());
      if (parts.length > (route?.length ?? 0)) throw new CellError(`names ${parts.length} legs' vessels, but the route has ${route?.length ?? 0} legs`);
      return parts;
    });
    values?.forEach((value, index) => {
      const leg = route?.[index];
      if (leg && value !== '') leg[field] = field === 'vesselFlag' ? value.toUpperCase() : value;
    });
  }
}

function readPeople(text: string): unknown[] | undefined {
  if (text.trim() === '') return undefined;
  return text.split(';').filter((part) => part.trim() !== '').map((groupText) => {
    const [citizenship = '', counts = ''] = groupText.split(':').map((part) => part.trim());
    if (!/^[A-Za-z]{3}$/.test(citizenship)) throw new CellError(`"${groupText.trim().slice(0, 40)}" must start with a citizenship code, e.g. AFG:men=2`);
    const group: Record<string, unknown> = { citizenship: citizenship.toUpperCase() };
    for (const pair of counts.split(',').filter((item) => item.trim() !== '')) {
      const [key = '', value = ''] = pair.split('=').map((part) => part.trim().toLowerCase());
      if (!(key in PEOPLE_KEYS)) throw new CellError(`"${key}" is not a count of people; use ${Object.keys(PEOPLE_KEYS).join(', ')}`);
      group[PEOPLE_KEYS[key as PeopleKey]] = readCount(value) ?? 0;
    }
    return group;
  });
}

export function readAudience(text: string): SharingInput['audience'] | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const [kind = '', list = ''] = value.split(':').map((part) => part.trim());
  const items = readList(list) ?? [];
  switch (kind.toLowerCase()) {
    case 'all':
    case 'owner':
      return { kind: kind.toLowerCase() as 'all' | 'owner' };
    case 'members':
      return { kind: 'members', members: items.map((item) => item.toUpperCase()) };
    case 'groups':
      return { kind: 'groups', groups: items };
    default:
      throw new CellError('must be all, owner, members:AAA;BBB or groups:group-a');
  }
}

function readEvaluation(text: string): { source: string; information: string } | undefined {
  const value = text.trim().toUpperCase();
  if (value === '') return undefined;
  const match = /^([ABCX])\s*([1-4])$/.exec(value);
  if (!match) throw new CellError('must be a letter A, B, C or X and a digit 1 to 4, e.g. B2');
  return { source: match[1] ?? '', information: match[2] ?? '' };
}

/** The cells of one row and the errors found reading them (one reader per row; no closures per cell). */
class RowReader {
  readonly errors: RowError[] = [];

  readonly dates: DateCell[] = [];
  constructor(private readonly cells: Record<string, string>, private readonly dateOrder: RowDefaults['dateOrder']) {}

  /** A date in any shape readDateAs reads, its shape noted for the import's result. */
  date(column: string): string | undefined {
    const read = this.read(column, (text) => readDateAs(text, this.dateOrder));
    if (read) this.dates.push({ column, format: read.format });
    return read?.date;
  }

  read<T>(column: string, reader: (text: string) => T): T | undefined {
    const text = this.cells[column];
    if (text === undefined || text === '') return undefined;
    try {
      return reader(text);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      this.errors.push({ column, message: error.message });
      return undefined;
    }
  }
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

const readLatitude = (text: string): number | undefined => readDecimal(text, -90, 90);
const readLongitude = (text: string): number | undefined => readDecimal(text, -180, 180);
const readFee = (text: string): number | undefined => readDecimal(text, 0, 1e9);
const readCodes = (text: string): string[] | undefined => readList(text)?.map((code) => code.toUpperCase());
const OUTCOME_COLUMNS = [['intercepted', 'intercepted'], ['rescued', 'rescued'], ['dead', 'dead'], ['missing', 'missing'], ['returned', 'returned'], ['claimed_asylum', 'claimedAsylum']] as const;
const LAW_COLUMNS = ['arrests', 'charges', 'prosecutions', 'convictions'] as const;
const SOURCE_DETAIL_COLUMNS = [['source_record_id', 'recordId'], ['source_url', 'url'], ['source_quality', 'quality']] as const;

/**
 * Reads one template row into a report (still to be validated), or the errors of its cells.
 * Every reader returns undefined for an empty cell, so empty cells are skipped before reading.
 */
function mapRow(cells: Record<string, string>, defaults: RowDefaults): MappedRow {
  const reader = new RowReader(cells, defaults.dateOrder);
  const errors = reader.errors;
  const input: Record<string, unknown> = {};
  const key = reader.read('external_id', readText);
  if (key === undefined) errors.push({ column: 'external_id', message: 'is required: it keeps a second import of the row from making a second report' });
  else if (key.length > 200) errors.push({ column: 'external_id', message: 'must be at most 200 characters' });
  const owner = reader.read('owner', readCode);
  if (owner !== undefined && defaults.member !== undefined && owner !== defaults.member) {
    errors.push({ column: 'owner', message: `is ${owner.slice(0, 32)}: this row is another member's report, and an import writes only your member's (${defaults.member}); leave it out` });
  }
  set(input, 'incidentType', reader.read('incident_type', readText));
  const from = reader.date('date_from');
  const to = reader.date('date_to');
  if (from !== undefined) input.when = to === undefined ? { from } : { from, to };
  else if (to !== undefined) errors.push({ column: 'date_from', message: 'is required when date_to is given' });
  const where: Record<string, unknown> = {};
  set(where, 'country', reader.read('country', readCode));
  set(where, 'place', reader.read('place', readText));
  set(where, 'latitude', reader.read('latitude', readLatitude));
  set(where, 'longitude', reader.read('longitude', readLongitude));
  set(where, 'kind', reader.read('place_kind', readText));
  set(where, 'seaArea', reader.read('sea_area', readText));
  set(where, 'sourceRegion', reader.read('source_region', readText));
  set(where, 'namedCountry', reader.read('named_country', readCode));
  input.where = where;
  set(input, 'agency', reader.read('agency', readText));
  set(input, 'origin', reader.read('origin', readCode));
  set(input, 'destination', reader.read('destination', readCode));
  set(input, 'route', reader.read('route', readRoute));
  readVessels(reader, input.route as Record<string, unknown>[] | undefined);
  set(input, 'people', reader.read('people', readPeople));
  set(input, 'vulnerabilities', reader.read('vulnerabilities', readList));
  const outcomes: Record<string, unknown> = {};
  for (const [column, field] of OUTCOME_COLUMNS) set(outcomes, field, reader.read(column, readCount));
  if (Object.keys(outcomes).length > 0) input.outcomes = outcomes;
  const fee: Record<string, unknown> = {};
  set(fee, 'amount', reader.read('fee_amount', readFee));
  set(fee, 'currency', reader.read('fee_currency', readCode));
  set(fee, 'basis', reader.read('fee_basis', readText));
  set(fee, 'paymentMethods', reader.read('fee_payment_methods', readList));
  set(fee, 'covers', reader.read('fee_covers', readList));
  if (Object.keys(fee).length > 0) input.fee = fee;
  const smugglers: Record<string, unknown> = {};
  set(smugglers, 'count', reader.read('smugglers_count', readCount));
  set(smugglers, 'citizenships', reader.read('smuggler_citizenships', readCodes));
  set(smugglers, 'roles', reader.read('smuggler_roles', readList));
  set(smugglers, 'methods', reader.read('methods', readList));
  if (Object.keys(smugglers).length > 0) input.smugglers = smugglers;
  const documents: Record<string, unknown> = {};
  set(documents, 'kinds', reader.read('document_kinds', readList));
  set(documents, 'issuingCountries', reader.read('document_issuers', readCodes));
  if (Object.keys(documents).length > 0) input.documents = documents;
  const law: Record<string, unknown> = {};
  for (const field of LAW_COLUMNS) set(law, field, reader.read(field, readCount));
  if (Object.keys(law).length > 0) input.lawEnforcement = law;
  set(input, 'source', reader.read('source', readText));
  const sourceDetails: Record<string, unknown> = {};
  for (const [column, field] of SOURCE_DETAIL_COLUMNS) set(sourceDetails, field, reader.read(column, readText));
  if (Object.keys(sourceDetails).length > 0) input.sourceDetails = sourceDetails;
  set(input, 'narrative', reader.read('narrative', readText));
  set(input, 'countsInRegional', reader.read('counts_in_regional', readBoolean));
  const audience = reader.read('audience', readAudience);
  const tlp = reader.read('tlp', readText);
  if (audience !== undefined || tlp !== undefined) {
    const sharing: Record<string, unknown> = {};
    if (audience === undefined) errors.push({ column: 'audience', message: 'is required when tlp is given' });
    else sharing.audience = audience;
    if (tlp === undefined) errors.push({ column: 'tlp', message: 'is required when audience is given' });
    else sharing.tlp = tlp.toUpperCase();
    set(sharing, 'handling', reader.read('handling', readCodes));
    set(sharing, 'handlingNote', reader.read('handling_note', readText));
    set(sharing, 'evaluation', reader.read('evaluation', readEvaluation));
    input.sharing = sharing;
  } else if (defaults.sharing) {
    input.sharing = defaults.sharing;
  } else {
    errors.push({ column: 'audience', message: 'is required, with tlp, when the import gives no default sharing' });
  }
  return errors.length > 0 ? { errors, dates: reader.dates } : { key: key ?? '', input, dates: reader.dates };
}

const POINTER_COLUMNS: readonly (readonly [string, string])[] = [
  ['/when/to', 'date_to'], ['/when', 'date_from'],
  ['/where/place', 'place'], ['/where/latitude', 'latitude'], ['/where/longitude', 'longitude'], ['/where/kind', 'place_kind'],
  ['/where/seaArea', 'sea_area'], ['/where/sourceRegion', 'source_region'], ['/where/namedCountry', 'named_country'], ['/where', 'country'],
  ['/incidentType', 'incident_type'], ['/agency', 'agency'], ['/origin', 'origin'], ['/destination', 'destination'],
  ['/route', 'route'], ['/people', 'people'], ['/vulnerabilities', 'vulnerabilities'],
  ['/outcomes/claimedAsylum', 'claimed_asylum'], ['/outcomes/', ''],
  ['/fee/currency', 'fee_currency'], ['/fee/basis', 'fee_basis'], ['/fee/paymentMethods', 'fee_payment_methods'], ['/fee/covers', 'fee_covers'], ['/fee', 'fee_amount'],
  ['/smugglers/citizenships', 'smuggler_citizenships'], ['/smugglers/roles', 'smuggler_roles'], ['/smugglers/methods', 'methods'], ['/smugglers', 'smugglers_count'],
  ['/documents/issuingCountries', 'document_issuers'], ['/documents', 'document_kinds'],
  ['/lawEnforcement/', ''], ['/sourceDetails/recordId', 'source_record_id'], ['/sourceDetails/url', 'source_url'],
  ['/sourceDetails/quality', 'source_quality'], ['/sourceDetails', 'source_record_id'], ['/source', 'source'], ['/narrative', 'narrative'], ['/countsInRegional', 'counts_in_regional'],
  ['/sharing/tlp', 'tlp'], ['/sharing/handlingNote', 'handling_note'], ['/sharing/handling', 'handling'], ['/sharing/evaluation', 'evaluation'], ['/sharing', 'audience'],
];

/** The template column a JSON pointer into the report input names. */
function columnOf(pointer: string): string {
  const vessel = /^\/route\/\d+\/(imo|mmsi|vesselName|vesselFlag)$/.exec(pointer)?.[1];
  if (vessel) return VESSEL_COLUMNS.find(([, field]) => field === vessel)?.[0] ?? 'route';
  for (const [prefix, column] of POINTER_COLUMNS) {
    if (!pointer.startsWith(prefix)) continue;
    // Outcomes and law enforcement counts share their field's name.
    return column === '' ? (pointer.slice(prefix.length).split('/')[0] ?? prefix) : column;
  }
  return pointer.split('/')[1] ?? 'row';
}

export const lintasTemplate: ImportFormat = {
  name: 'lintas',
  source: 'lintas',
  columns: TEMPLATE_COLUMN_NAMES,
  required: TEMPLATE_COLUMNS.filter((c) => c.required).map((c) => c.column),
  rejectUnknownColumns: true,
  mapRow,
  columnOf,
  keyColumn: () => 'external_id',
};

const list = (values: readonly string[] | undefined): string => (values ?? []).join(';');
/** A vessel column's cell: each leg's value in the legs' order, empty when no leg has one (trailing empty legs dropped). */
function vesselCell(route: ReportInput['route'], field: (typeof VESSEL_COLUMNS)[number][1]): string {
  const values = (route ?? []).map((leg) => leg[field] ?? '');
  while (values.length > 0 && values[values.length - 1] === '') values.pop();
  return values.join('|');
}
const count = (value: number | undefined): string => (value === undefined ? '' : String(value));

/** The template cells of a report, in TEMPLATE_COLUMNS order: what an export writes. */
export function reportToCells(externalId: string, input: ReportInput, owner: string): string[] {
  const audience = input.sharing.audience;
  const cells: Record<string, string> = {
    external_id: externalId,
    owner,
    incident_type: input.incidentType,
    date_from: input.when?.from ?? '',
    date_to: input.when?.to ?? '',
    country: input.where.country ?? '',
    place: input.where.place ?? '',
    latitude: count(input.where.latitude),
    longitude: count(input.where.longitude),
    place_kind: input.where.kind ?? '',
    sea_area: input.where.seaArea ?? '',
    source_region: input.where.sourceRegion ?? '',
    named_country: input.where.namedCountry ?? '',
    agency: input.agency ?? '',
    origin: input.origin ?? '',
    destination: input.destination ?? '',
    route: (input.route ?? [])
      .map((leg) => {
        const parts = [`${leg.from}>${leg.to}`, leg.mode ?? '', leg.conveyance ?? '', (leg.transit ?? []).join('/')];
        while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
        return parts.join(':');
      })
      .join('|'),
    ...Object.fromEntries(VESSEL_COLUMNS.map(([column, field]) => [column, vesselCell(input.route, field)])),
    people: (input.people ?? [])
      .map((group) => {
        const counts = Object.entries(group).filter(([field]) => field !== 'citizenship').map(([field, value]) => `${PEOPLE_NAMES[field] ?? field}=${String(value)}`);
        return `${group.citizenship}:${counts.join(',')}`;
      })
      .join(';'),
    vulnerabilities: list(input.vulnerabilities),
    intercepted: count(input.outcomes?.intercepted),
    rescued: count(input.outcomes?.rescued),
    dead: count(input.outcomes?.dead),
    missing: count(input.outcomes?.missing),
    returned: count(input.outcomes?.returned),
    claimed_asylum: count(input.outcomes?.claimedAsylum),
    fee_amount: count(input.fee?.amount),
    fee_currency: input.fee?.currency ?? '',
    fee_basis: input.fee?.basis ?? '',
    fee_payment_methods: list(input.fee?.paymentMethods),
    fee_covers: list(input.fee?.covers),
    smugglers_count: count(input.smugglers?.count),
    smuggler_citizenships: list(input.smugglers?.citizenships),
    smuggler_roles: list(input.smugglers?.roles),
    methods: list(input.smugglers?.methods),
    document_kinds: list(input.documents?.kinds),
    document_issuers: list(input.documents?.issuingCountries),
    arrests: count(input.lawEnforcement?.arrests),
    charges: count(input.lawEnforcement?.charges),
    prosecutions: count(input.lawEnforcement?.prosecutions),
    convictions: count(input.lawEnforcement?.convictions),
    source: input.source ?? '',
    source_record_id: input.sourceDetails?.recordId ?? '',
    source_url: input.sourceDetails?.url ?? '',
    source_quality: input.sourceDetails?.quality ?? '',
    narrative: input.narrative ?? '',
    counts_in_regional: input.countsInRegional === undefined ? '' : String(input.countsInRegional),
    audience: audience.kind === 'members' ? `members:${list(audience.members)}` : audience.kind === 'groups' ? `groups:${list(audience.groups)}` : audience.kind,
    tlp: input.sharing.tlp,
    handling: list(input.sharing.handling),
    handling_note: input.sharing.handlingNote ?? '',
    evaluation: input.sharing.evaluation ? `${input.sharing.evaluation.source}${input.sharing.evaluation.information}` : '',
  };
  return TEMPLATE_COLUMN_NAMES.map((name) => cells[name] ?? '');
}
