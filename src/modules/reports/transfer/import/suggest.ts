import { CODE_LISTS } from '../../codes.js';
import { CODE_FIELDS, normaliseName } from './mapped.js';
import type { ImportMapping } from './mapping-schemas.js';
import { TEMPLATE_COLUMN_NAMES } from './template.js';

/**
 * Suggestions for mapping a file of one's own: each header to a template column (its name, a known
 * synonym, or a similar name), and the distinct values of code-list columns to codes (the code or its
 * label, or a label holding every word of the value). Suggestions only: the person checks them.
 */

/** What other spreadsheets call the template's columns (compared as `words` makes them). */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  external_id: ['id', 'case id', 'case number', 'case no', 'case', 'reference', 'ref', 'ref no', 'incident id', 'incident number', 'report id', 'record id', 'file number'],
  incident_type: ['type', 'incident', 'category', 'event type', 'type of incident', 'incident category'],
  date_from: ['date', 'incident date', 'date of incident', 'event date', 'start date', 'date from', 'from', 'occurred', 'occurred on', 'reported date', 'day'],
  date_to: ['end date', 'date to', 'to', 'until', 'date end'],
  country: ['country code', 'iso3', 'incident country', 'country of incident', 'location country'],
  place: ['location', 'site', 'area', 'locality', 'place name', 'town', 'city'],
  latitude: ['lat', 'y'],
  longitude: ['lon', 'lng', 'long', 'x'],
  place_kind: ['location type', 'place type', 'type of place', 'setting'],
  agency: ['unit', 'reporting agency', 'authority', 'reporting unit'],
  origin: ['origin country', 'country of origin', 'departure country', 'departed from'],
  destination: ['destination country', 'intended destination', 'country of destination'],
  people: ['persons', 'people moved'],
  vulnerabilities: ['vulnerability', 'vulnerable groups'],
  intercepted: ['apprehended', 'detained', 'people intercepted', 'number intercepted'],
  rescued: ['survivors', 'saved', 'number rescued'],
  dead: ['deaths', 'fatalities', 'deceased', 'number dead', 'killed', 'died'],
  missing: ['number missing', 'disappeared'],
  returned: ['deported', 'repatriated', 'number returned'],
  claimed_asylum: ['asylum', 'asylum claims', 'asylum seekers'],
  fee_amount: ['fee', 'price', 'amount', 'fee paid', 'cost', 'smuggling fee'],
  fee_currency: ['currency', 'fee currency'],
  fee_basis: ['fee per', 'basis'],
  fee_payment_methods: ['payment method', 'payment', 'paid by'],
  smugglers_count: ['smugglers', 'number of smugglers', 'facilitators'],
  smuggler_citizenships: ['smuggler nationality', 'smuggler nationalities', 'nationality of smugglers'],
  smuggler_roles: ['smuggler role', 'role of smugglers'],
  methods: ['method', 'modus operandi', 'modus'],
  document_kinds: ['documents', 'document', 'travel documents', 'document type'],
  document_issuers: ['issuing country', 'document issuer', 'issuer'],
  arrests: ['arrested', 'number arrested'],
  charges: ['charged', 'number charged'],
  prosecutions: ['prosecuted'],
  convictions: ['convicted'],
  source: ['information source', 'source of information'],
  narrative: ['description', 'summary', 'notes', 'comments', 'details', 'remarks', 'what happened'],
  counts_in_regional: ['regional', 'count in regional'],
  audience: ['shared with', 'share with'],
  tlp: ['traffic light', 'traffic light protocol', 'classification'],
  evaluation: ['grading', 'reliability'],
};

/** A name as words: lower case, any run of other characters one space ("Date_of-Incident" → "date of incident"). */
const words = (name: string): string => name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** How alike two names are, 0 to 1 (1 − edit distance over the longer length). */
const similarity = (a: string, b: string): number => (a.length === 0 || b.length === 0 ? 0 : 1 - distance(a, b) / Math.max(a.length, b.length));

export type MatchKind = 'name' | 'synonym' | 'similar' | 'none';

/** The template column a header most likely fills, and why; each column is suggested for one header at most (the best). */
export function suggestColumns(header: readonly string[]): { source: string; target: string; how: MatchKind }[] {
  const candidates: { index: number; target: string; score: number; how: MatchKind }[] = [];
  header.forEach((source, index) => {
    const name = words(source);
    if (name === '') return;
    for (const target of TEMPLATE_COLUMN_NAMES) {
      const own = words(target);
      if (name === own) {
        candidates.push({ index, target, score: 3, how: 'name' });
        continue;
      }
      const synonyms = SYNONYMS[target] ?? [];
      if (synonyms.includes(name)) {
        candidates.push({ index, target, score: 2, how: 'synonym' });
        continue;
      }
      const best = Math.max(similarity(name, own), ...synonyms.map((synonym) => similarity(name, synonym)));
      if (best >= 0.8) candidates.push({ index, target, score: best, how: 'similar' });
    }
  });
  candidates.sort((a, b) => b.score - a.score || a.index - b.index);
  const chosen = new Map<number, { target: string; how: MatchKind }>();
  const taken = new Set<string>();
  for (const candidate of candidates) {
    if (chosen.has(candidate.index) || taken.has(candidate.target)) continue;
    chosen.set(candidate.index, candidate);
    taken.add(candidate.target);
  }
  return header.map((source, index) => ({ source, target: chosen.get(index)?.target ?? 'ignore', how: chosen.get(index)?.how ?? 'none' }));
}

/** The labels of each code-list field's codes (code → label); tlp and handling are their own labels. */
const LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  incident_type: CODE_LISTS.incidentTypes,
  place_kind: CODE_LISTS.placeKinds,
  vulnerabilities: CODE_LISTS.vulnerabilities,
  fee_basis: CODE_LISTS.feeBases,
  fee_payment_methods: CODE_LISTS.paymentMethods,
  fee_covers: CODE_LISTS.feeCovers,
  smuggler_roles: CODE_LISTS.smugglerRoles,
  methods: CODE_LISTS.methods,
  document_kinds: CODE_LISTS.documentUse,
};

/**
 * The code a value of a code-list field most likely stands for: the code or its label written
 * another way ("At sea", "AT_SEA"), the one label that holds every word of the value ("sea
 * smuggling" → "Smuggling by sea"), or the one label the value holds whole ("Border guide" → guide).
 * Undefined when none or several fit.
 */
export function suggestCode(field: string, value: string): string | undefined {
  const list = CODE_FIELDS[field];
  if (!list) return undefined;
  const wanted = words(value);
  if (wanted === '') return undefined;
  const labels = LABELS[field] ?? {};
  const exact = list.codes.find((code) => words(code) === wanted || words(labels[code] ?? '') === wanted);
  if (exact !== undefined) return exact;
  const parts = wanted.split(' ');
  const holding = list.codes.filter((code) => {
    const have = new Set([...words(code).split(' '), ...words(labels[code] ?? '').split(' ')]);
    return parts.every((part) => have.has(part) || [...have].some((word) => word.length > 3 && similarity(part, word) >= 0.8));
  });
  if (holding.length > 0) return holding.length === 1 ? holding[0] : undefined;
  // Or the one code whose whole label the value holds ("Border guide" → guide).
  const held = list.codes.filter((code) => {
    const label = words(labels[code] ?? code).split(' ');
    return label.every((word) => parts.includes(word));
  });
  return held.length === 1 ? held[0] : undefined;
}

/** Guesses the day/month order from numbers-only dates: a first number over 12 is a day, a second one over 12 too. */
export function suggestDateOrder(values: Iterable<string>): ImportMapping['dateOrder'] {
  for (const value of values) {
    const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(value.trim());
    if (!match) continue;
    if (Number(match[1]) > 12) return 'day-first';
    if (Number(match[2]) > 12) return 'month-first';
  }
  return undefined;
}

/** The values table the distinct values of the file's code-list columns suggest (values already codes need none). */
export function suggestValues(distinct: readonly { source: string; field: string; values: readonly string[] }[]): NonNullable<ImportMapping['values']> {
  const values: NonNullable<ImportMapping['values']> = [];
  for (const { field, values: seen } of distinct) {
    const codes = CODE_FIELDS[field]?.codes ?? [];
    const done = new Set<string>();
    for (const value of seen) {
      const key = normaliseName(value);
      if (done.has(key) || codes.some((code) => code.toLowerCase() === key)) continue;
      done.add(key);
      const code = suggestCode(field, value);
      if (code !== undefined) values.push({ field: field, source: value, code });
    }
  }
  return values;
}
