import type { SharingDraft } from '../../components/sharing-fields.js';
import { toSharing } from '../../components/sharing-fields.js';
import { msg, type MessageId } from '../../i18n/index.js';
import {
  LAW_ENFORCEMENT, OUTCOMES, PEOPLE_COUNTS, type LawEnforcementCount, type Outcome, type PeopleCount, type Report, type ReportDraftInput,
} from './api.js';

/** The form's state: the report as text fields (numbers are typed as text and converted on save). */
export interface LegDraft {
  key: number;
  from: string;
  to: string;
  transit: string;
  mode: string;
  conveyance: string;
  /** The leg's vessel: vessels are not people, so a report may name them. */
  imo: string;
  mmsi: string;
  vesselName: string;
  vesselFlag: string;
}
export interface PeopleDraft {
  key: number;
  citizenship: string;
  counts: Record<PeopleCount, string>;
}
export interface Draft {
  agency: string;
  whenFrom: string;
  whenTo: string;
  country: string;
  place: string;
  latitude: string;
  longitude: string;
  placeKind: string;
  seaArea: string;
  /** Kept as the report has them: the region its source gives, and the country its place's words name. */
  sourceRegion: string | undefined;
  namedCountry: string | undefined;
  incidentType: string;
  origin: string;
  destination: string;
  route: LegDraft[];
  people: PeopleDraft[];
  vulnerabilities: string[];
  outcomes: Record<Outcome, string>;
  feeAmount: string;
  feeCurrency: string;
  feeBasis: string;
  feePaymentMethods: string[];
  feeCovers: string[];
  smugglersCount: string;
  smugglerCitizenships: string[];
  smugglerRoles: string[];
  methods: string[];
  documentKinds: string[];
  documentIssuers: string[];
  law: Record<LawEnforcementCount, string>;
  source: string;
  /** What the source says of itself (set by imports): not edited here, kept as it is. */
  sourceDetails: Report['sourceDetails'];
  narrative: string;
  countsInRegional: boolean;
}

export const NARRATIVE_MAX = 4000;
let nextKey = 1;
/** A new key for a row of the form's lists (legs, groups). */
export const newKey = (): number => nextKey++;
const text = (value: number | undefined): string => (value === undefined ? '' : String(value));
export const emptyCounts = <K extends string>(keys: readonly K[]): Record<K, string> => Object.fromEntries(keys.map((key) => [key, ''])) as Record<K, string>;

/** The form's state for a report, or for a new one that starts from the member's default (counting towards regional aggregates or not). */
export function draftFrom(report: Report | null, countsInRegional = false): Draft {
  return {
    agency: report?.agency ?? '',
    whenFrom: report?.when?.from ?? '',
    whenTo: report?.when?.to ?? '',
    country: report?.where.country ?? '',
    place: report?.where.place ?? '',
    latitude: text(report?.where.latitude),
    longitude: text(report?.where.longitude),
    placeKind: report?.where.kind ?? '',
    seaArea: report?.where.seaArea ?? '',
    sourceRegion: report?.where.sourceRegion,
    namedCountry: report?.where.namedCountry,
    incidentType: report?.incidentType ?? '',
    origin: report?.origin ?? '',
    destination: report?.destination ?? '',
    route: (report?.route ?? []).map((leg) => ({ key: newKey(), from: leg.from, to: leg.to, transit: (leg.transit ?? []).join(', '), mode: leg.mode ?? '', conveyance: leg.conveyance ?? '',
      imo: leg.imo ?? '', mmsi: leg.mmsi ?? '', vesselName: leg.vesselName ?? '', vesselFlag: leg.vesselFlag ?? '' })),
    people: (report?.people ?? []).map((group) => ({
      key: newKey(),
      citizenship: group.citizenship,
      counts: Object.fromEntries(PEOPLE_COUNTS.map((key) => [key, text(group[key])])) as Record<PeopleCount, string>,
    })),
    vulnerabilities: report?.vulnerabilities ?? [],
    outcomes: Object.fromEntries(OUTCOMES.map((key) => [key, text(report?.outcomes?.[key])])) as Record<Outcome, string>,
    feeAmount: text(report?.fee?.amount),
    feeCurrency: report?.fee?.currency ?? '',
    feeBasis: report?.fee?.basis ?? 'per-person',
    feePaymentMethods: report?.fee?.paymentMethods ?? [],
    feeCovers: report?.fee?.covers ?? [],
    smugglersCount: text(report?.smugglers?.count),
    smugglerCitizenships: report?.smugglers?.citizenships ?? [],
    smugglerRoles: report?.smugglers?.roles ?? [],
    methods: report?.smugglers?.methods ?? [],
    documentKinds: report?.documents?.kinds ?? [],
    documentIssuers: report?.documents?.issuingCountries ?? [],
    law: Object.fromEntries(LAW_ENFORCEMENT.map((key) => [key, text(report?.lawEnforcement?.[key])])) as Record<LawEnforcementCount, string>,
    source: report?.source ?? '',
    sourceDetails: report?.sourceDetails,
    narrative: report?.narrative ?? '',
    countsInRegional: report?.countsInRegional ?? countsInRegional,
  };
}

/** A typed number, or undefined when blank (a non-number goes to the server, which names the field). */
const numberOf = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value.trim()));
const some = <T extends object>(value: T): T | undefined => (Object.values(value).some((v) => v !== undefined && !(Array.isArray(v) && v.length === 0)) ? value : undefined);
const counts = <K extends string>(values: Record<K, string>): Partial<Record<K, number>> =>
  Object.fromEntries(Object.entries<string>(values).flatMap(([key, value]) => (numberOf(value) === undefined ? [] : [[key, numberOf(value)]]))) as Partial<Record<K, number>>;
const blankToUndefined = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

export function inputOf(draft: Draft, sharing: SharingDraft): ReportDraftInput {
  const input: ReportDraftInput = {
    where: draft.country ? { country: draft.country } : {},
    incidentType: draft.incidentType,
    route: draft.route.map((leg) => {
      const transit = leg.transit.split(',').map((place) => place.trim()).filter(Boolean);
      const vessel = { imo: leg.imo.trim(), mmsi: leg.mmsi.trim(), vesselName: leg.vesselName.trim(), vesselFlag: leg.vesselFlag };
      return {
        from: leg.from, to: leg.to, ...(transit.length > 0 ? { transit } : {}), ...(leg.mode ? { mode: leg.mode } : {}), ...(leg.conveyance ? { conveyance: leg.conveyance } : {}),
        ...Object.fromEntries(Object.entries(vessel).filter(([, value]) => value !== '')),
      };
    }),
    people: draft.people.map((group) => ({ citizenship: group.citizenship, ...counts(group.counts) })),
    vulnerabilities: draft.vulnerabilities,
    outcomes: counts(draft.outcomes),
    lawEnforcement: counts(draft.law),
    narrative: draft.narrative,
    countsInRegional: draft.countsInRegional,
    sharing: toSharing(sharing),
  };
  const place = blankToUndefined(draft.place);
  const latitude = numberOf(draft.latitude);
  const longitude = numberOf(draft.longitude);
  if (place !== undefined) input.where.place = place;
  if (latitude !== undefined) input.where.latitude = latitude;
  if (longitude !== undefined) input.where.longitude = longitude;
  if (draft.placeKind) input.where.kind = draft.placeKind;
  const seaArea = blankToUndefined(draft.seaArea);
  if (seaArea !== undefined && draft.placeKind === 'at-sea') input.where.seaArea = seaArea;
  if (draft.sourceRegion) input.where.sourceRegion = draft.sourceRegion;
  if (draft.namedCountry) input.where.namedCountry = draft.namedCountry;
  if (draft.agency) input.agency = draft.agency;
  if (draft.whenFrom) input.when = draft.whenTo ? { from: draft.whenFrom, to: draft.whenTo } : { from: draft.whenFrom };
  if (draft.origin) input.origin = draft.origin;
  if (draft.destination) input.destination = draft.destination;
  const feeAmount = numberOf(draft.feeAmount);
  if (feeAmount !== undefined) {
    input.fee = { amount: feeAmount, currency: draft.feeCurrency.trim().toUpperCase(), basis: draft.feeBasis, paymentMethods: draft.feePaymentMethods, covers: draft.feeCovers };
  }
  const smugglers = some({ count: numberOf(draft.smugglersCount), citizenships: draft.smugglerCitizenships, roles: draft.smugglerRoles, methods: draft.methods });
  // An undefined count is left out of the JSON.
  if (smugglers) input.smugglers = smugglers;
  const documents = some({ kinds: draft.documentKinds, issuingCountries: draft.documentIssuers });
  if (documents) input.documents = documents;
  const source = blankToUndefined(draft.source);
  if (source !== undefined) input.source = source;
  if (draft.sourceDetails) input.sourceDetails = draft.sourceDetails;
  return input;
}

/** What the server will refuse in a narrative, spotted while typing (the server's check decides): what it seems to hold, and the characters left. */
export function narrativeCheck(narrative: string): { found: MessageId[]; left: number } {
  const found: MessageId[] = [];
  if (/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.test(narrative)) found.push(msg('reports.form.found.email'));
  if (/\+?\d[\d\s().-]{7,}\d/.test(narrative.replace(/[A-Za-z0-9._%+-]+@\S+/g, ''))) found.push(msg('reports.form.found.phone'));
  if (/\b(?=[A-Za-z0-9]{7,12}\b)(?=(?:[A-Za-z]*\d){2})[A-Za-z]*\d[A-Za-z0-9]*\b|\b\d{7,12}\b/.test(narrative)) found.push(msg('reports.form.found.documentNumber'));
  return { found, left: NARRATIVE_MAX - narrative.length };
}
