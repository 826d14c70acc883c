/**
 * Generated incident reports of realistic shape for the reports benchmarks (GitHub issue #3): the
 * routes of the region (Afghanistan and Iran through Pakistan and Malaysia to Indonesia and
 * Australia, Rohingya departures across the Bay of Bengal, Sri Lankan boats, land routes through the
 * Mekong, flights on fraudulent documents…), detected by a member on the route, with people of the
 * route's origin and neighbours, fees per person that vary by route and rise over the years,
 * smugglers, documents, outcomes, law-enforcement action, a narrative built from the library
 * benchmark's vocabulary and a sharing mix. Seeded, so every run writes the same reports.
 */
import { CLAUSES, PLACES, THEMES, VERBS } from './vocabulary.js';
import type { ReportInput } from '../src/modules/reports/schemas.js';

/** A small seeded generator (mulberry32), as bench/data.ts uses. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

interface Leg {
  from: string;
  to: string;
  mode: 'boat' | 'vehicle' | 'on-foot' | 'air' | 'rail';
  conveyance?: string;
}

interface Pattern {
  weight: number;
  legs: Leg[];
  types: ReportInput['incidentType'][];
  people: [number, number];
  /** Fee per person in USD around 2015 (rising about 4% a year). */
  fee: number;
  citizenships: string[];
}

const L = (from: string, to: string, mode: Leg['mode'], conveyance?: string): Leg => ({ from, to, mode, ...(conveyance ? { conveyance } : {}) });

const PATTERNS: Pattern[] = [
  { weight: 9, legs: [L('AFG', 'PAK', 'vehicle', 'bus'), L('PAK', 'MYS', 'air', 'commercial-flight'), L('MYS', 'IDN', 'boat', 'speedboat'), L('IDN', 'AUS', 'boat', 'fishing-boat')], types: ['smuggling-sea', 'disrupted-attempt', 'irregular-entry'], people: [8, 120], fee: 9000, citizenships: ['AFG', 'PAK', 'IRN'] },
  { weight: 7, legs: [L('IRN', 'MYS', 'air', 'commercial-flight'), L('MYS', 'IDN', 'boat', 'speedboat'), L('IDN', 'AUS', 'boat', 'wooden-boat')], types: ['smuggling-sea', 'disrupted-attempt'], people: [10, 90], fee: 8000, citizenships: ['IRN', 'IRQ', 'AFG'] },
  { weight: 8, legs: [L('LKA', 'AUS', 'boat', 'fishing-boat')], types: ['smuggling-sea', 'irregular-exit', 'disrupted-attempt'], people: [15, 110], fee: 3500, citizenships: ['LKA'] },
  { weight: 10, legs: [L('MMR', 'BGD', 'on-foot'), L('BGD', 'MYS', 'boat', 'cargo-ship')], types: ['smuggling-sea', 'death-or-disappearance', 'trafficking-indicators'], people: [30, 400], fee: 1800, citizenships: ['MMR', 'XXX', 'BGD'] },
  { weight: 7, legs: [L('MMR', 'THA', 'boat', 'wooden-boat'), L('THA', 'MYS', 'on-foot')], types: ['smuggling-land', 'trafficking-indicators', 'death-or-disappearance'], people: [10, 200], fee: 2200, citizenships: ['MMR', 'XXX'] },
  { weight: 9, legs: [L('MMR', 'THA', 'on-foot'), L('THA', 'MYS', 'vehicle', 'van')], types: ['smuggling-land', 'irregular-entry', 'trafficking-indicators'], people: [2, 25], fee: 900, citizenships: ['MMR'] },
  { weight: 6, legs: [L('KHM', 'THA', 'vehicle', 'truck')], types: ['smuggling-land', 'irregular-entry', 'trafficking-indicators'], people: [2, 30], fee: 300, citizenships: ['KHM'] },
  { weight: 5, legs: [L('LAO', 'THA', 'boat', 'wooden-boat')], types: ['irregular-entry', 'smuggling-land'], people: [1, 12], fee: 250, citizenships: ['LAO'] },
  { weight: 6, legs: [L('VNM', 'CHN', 'vehicle', 'car'), L('CHN', 'RUS', 'rail', 'train')], types: ['smuggling-land', 'irregular-exit', 'trafficking-indicators'], people: [1, 10], fee: 12000, citizenships: ['VNM'] },
  { weight: 6, legs: [L('VNM', 'AUS', 'air', 'commercial-flight')], types: ['smuggling-air', 'document-fraud'], people: [1, 4], fee: 15000, citizenships: ['VNM', 'CHN'] },
  { weight: 5, legs: [L('CHN', 'THA', 'air', 'commercial-flight'), L('THA', 'NZL', 'air', 'commercial-flight')], types: ['smuggling-air', 'document-fraud'], people: [1, 3], fee: 18000, citizenships: ['CHN'] },
  { weight: 6, legs: [L('BGD', 'MYS', 'air', 'commercial-flight')], types: ['document-fraud', 'smuggling-air', 'trafficking-indicators'], people: [1, 6], fee: 4000, citizenships: ['BGD', 'NPL'] },
  { weight: 5, legs: [L('NPL', 'IND', 'vehicle', 'bus'), L('IND', 'MYS', 'air', 'commercial-flight')], types: ['trafficking-indicators', 'document-fraud', 'irregular-exit'], people: [1, 8], fee: 3000, citizenships: ['NPL'] },
  { weight: 5, legs: [L('IDN', 'MYS', 'boat', 'speedboat')], types: ['smuggling-sea', 'irregular-entry', 'death-or-disappearance'], people: [5, 60], fee: 600, citizenships: ['IDN'] },
  { weight: 4, legs: [L('PHL', 'MYS', 'boat', 'wooden-boat')], types: ['smuggling-sea', 'irregular-entry'], people: [3, 40], fee: 500, citizenships: ['PHL'] },
  { weight: 3, legs: [L('PAK', 'THA', 'air', 'commercial-flight'), L('THA', 'MYS', 'vehicle', 'car'), L('MYS', 'IDN', 'boat', 'speedboat')], types: ['smuggling-sea', 'document-fraud'], people: [2, 20], fee: 7000, citizenships: ['PAK', 'AFG'] },
  { weight: 3, legs: [L('IRQ', 'TUR', 'vehicle', 'truck')], types: ['smuggling-land', 'irregular-entry'], people: [2, 40], fee: 2500, citizenships: ['IRQ', 'SYR'] },
  { weight: 4, legs: [L('AFG', 'IRN', 'on-foot'), L('IRN', 'TUR', 'vehicle', 'truck')], types: ['smuggling-land', 'death-or-disappearance', 'irregular-entry'], people: [3, 60], fee: 1500, citizenships: ['AFG'] },
  { weight: 2, legs: [L('IND', 'NZL', 'air', 'commercial-flight')], types: ['document-fraud', 'smuggling-air'], people: [1, 3], fee: 14000, citizenships: ['IND'] },
  { weight: 2, legs: [L('TLS', 'IDN', 'on-foot')], types: ['irregular-entry', 'smuggling-land'], people: [1, 8], fee: 150, citizenships: ['TLS'] },
];
const TOTAL_WEIGHT = PATTERNS.reduce((sum, pattern) => sum + pattern.weight, 0);

/** A rough point in each country (latitude, longitude) and the spread of its incidents in degrees. */
const POINTS: Record<string, [number, number, number]> = {
  AFG: [34.5, 69.2, 3], PAK: [30.4, 69.3, 4], MYS: [3.1, 101.7, 3], IDN: [-6.2, 106.8, 6], AUS: [-12.4, 130.8, 8], IRN: [32.4, 53.7, 5],
  LKA: [7.9, 80.7, 1], MMR: [19.7, 96.1, 4], BGD: [22.3, 91.8, 1.5], THA: [13.7, 100.5, 4], KHM: [12.6, 104.9, 2], LAO: [18.0, 102.6, 2],
  VNM: [16.0, 107.8, 4], CHN: [23.1, 113.3, 6], RUS: [43.1, 131.9, 5], NZL: [-36.8, 174.8, 3], NPL: [27.7, 85.3, 1], IND: [22.5, 78.9, 6],
  PHL: [6.9, 122.1, 4], TUR: [38.5, 43.4, 3], IRQ: [33.3, 44.4, 3], TLS: [-8.6, 125.6, 0.5],
};

/** Reporting members: the countries of the routes that are members, and the organisations. */
export const REPORTERS = ['AUS', 'IDN', 'MYS', 'THA', 'LKA', 'BGD', 'MMR', 'PAK', 'AFG', 'IRN', 'KHM', 'LAO', 'VNM', 'CHN', 'NZL', 'NPL', 'IND', 'PHL', 'TLS', 'IRQ', 'TUR'];
const ORGANISATIONS = ['IOM', 'UNODC', 'UNHCR'];
const GROUPS = ['ad-hoc-group', 'wg-tip', 'wg-disruption', 'task-force', 'steering-group'];
const CURRENCIES: Record<string, string> = { MYS: 'MYR', THA: 'THB', IDN: 'IDR', AUS: 'AUD', PAK: 'PKR', BGD: 'BDT', LKA: 'LKR' };
const RATES: Record<string, number> = { USD: 1, MYR: 4.4, THB: 34, IDR: 15000, AUD: 1.45, PKR: 240, BDT: 110, LKR: 300 };

function narrative(random: Random, pattern: Pattern, people: number): string {
  const theme = pattern.types[0] === 'document-fraud' ? THEMES.documents : pattern.types[0] === 'trafficking-indicators' ? THEMES.trafficking : THEMES.smuggling;
  const sentences = [
    `${pick(random, ['Officers', 'A patrol', 'Border police', 'The coast guard', 'Immigration officers'])} ${pick(random, VERBS)} ${pick(random, theme)} ${pick(random, PLACES)}.`,
    `${people} people were found${random() < 0.5 ? ` ${pick(random, CLAUSES)}` : ''}.`,
  ];
  if (random() < 0.5) sentences.push(`The group had travelled ${pattern.legs.map((leg) => `by ${leg.mode.replace('-', ' ')}`).join(', then ')}.`);
  if (random() < 0.3) sentences.push(`Information was shared with ${pick(random, ['neighbouring members', 'the liaison network', 'the regional support office'])}.`);
  return sentences.join(' ');
}

const DAY = 86_400_000;
const START = Date.UTC(2014, 0, 1);
const DAYS = Math.floor((Date.UTC(2025, 11, 31) - START) / DAY);

export interface GeneratedReport {
  owner: string;
  input: ReportInput;
}

/** The `index`th report of the stream seeded with `seed` (independent of the others, so generation can start anywhere). */
export function makeReport(seed: number, index: number): GeneratedReport {
  const random = generator((seed * 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  let draw = random() * TOTAL_WEIGHT;
  let pattern = PATTERNS[0] as Pattern;
  for (const candidate of PATTERNS) {
    draw -= candidate.weight;
    if (draw <= 0) {
      pattern = candidate;
      break;
    }
  }
  // Detected mostly late on the route (transit and destination members report most).
  const legIndex = Math.min(pattern.legs.length - 1, Math.floor(Math.sqrt(random()) * pattern.legs.length));
  const leg = pattern.legs[legIndex] as Leg;
  const country = random() < 0.7 ? leg.to : leg.from;
  const owner = random() < 0.06 ? pick(random, ORGANISATIONS) : REPORTERS.includes(country) ? country : REPORTERS.includes(leg.from) ? leg.from : leg.to;
  // More incidents in later years, with a dry-season peak.
  const day = Math.min(DAYS, Math.floor(Math.pow(random(), 0.8) * DAYS));
  const date = new Date(START + day * DAY);
  const from = date.toISOString().slice(0, 10);
  const years = date.getUTCFullYear() - 2015;
  const [lat, lon, spread] = POINTS[country] ?? [0, 0, 1];
  const kind = leg.mode === 'boat' ? (random() < 0.7 ? 'at-sea' : 'seaport') : leg.mode === 'air' ? 'airport' : random() < 0.6 ? 'land-border' : 'inland';
  const total = between(random, pattern.people[0], pattern.people[1]);
  const groups = pattern.citizenships.filter((_, i) => i === 0 || random() < 0.3);
  const people: NonNullable<ReportInput['people']> = [];
  let left = total;
  groups.forEach((citizenship, i) => {
    const size = i === groups.length - 1 ? left : Math.max(1, Math.floor(left * (0.5 + random() * 0.4)));
    left -= size;
    if (size <= 0) return;
    const men = Math.round(size * (0.45 + random() * 0.3));
    const women = Math.round((size - men) * random() * 0.7);
    const children = size - men - women;
    const boys = Math.floor(children / 2);
    const group: NonNullable<ReportInput['people']>[number] = { citizenship, adultMen: men, adultWomen: women, boys, girls: children - boys };
    if (children > 0 && random() < 0.3) group.unaccompaniedChildren = between(random, 0, children);
    people.push(group);
  });
  const type = pick(random, pattern.types);
  const dead = type === 'death-or-disappearance' ? between(random, 1, Math.max(1, Math.floor(total / 3))) : 0;
  const missing = type === 'death-or-disappearance' && random() < 0.5 ? between(random, 0, Math.floor(total / 4)) : 0;
  const input: ReportInput = {
    incidentType: type,
    when: random() < 0.1 ? { from, to: new Date(START + Math.min(DAYS, day + between(random, 1, 20)) * DAY).toISOString().slice(0, 10) } : { from },
    where: {
      country,
      place: `${pick(random, ['Near', 'Off', 'North of', 'South of', 'At'])} ${pick(random, ['the coast', 'the border post', 'the port', 'the airport', 'the river crossing', 'the highway checkpoint'])} ${between(random, 1, 40)}`,
      latitude: Math.round((lat + (random() - 0.5) * spread) * 1000) / 1000,
      longitude: Math.round((lon + (random() - 0.5) * spread) * 1000) / 1000,
      kind,
    },
    origin: pattern.legs[0]?.from,
    destination: pattern.legs[pattern.legs.length - 1]?.to,
    route: pattern.legs.slice(0, random() < 0.8 ? pattern.legs.length : legIndex + 1).map((l) => ({ ...l })) as ReportInput['route'],
    people,
    outcomes: {
      intercepted: type === 'death-or-disappearance' ? total - dead - missing : total,
      ...(random() < 0.15 ? { rescued: between(random, 0, total) } : {}),
      ...(dead > 0 ? { dead } : {}),
      ...(missing > 0 ? { missing } : {}),
      ...(random() < 0.3 ? { returned: between(random, 0, total) } : {}),
      ...(random() < 0.1 ? { claimedAsylum: between(random, 0, total) } : {}),
    },
    narrative: narrative(random, pattern, total),
    source: pick(random, ['Patrol report', 'Interview with passengers', 'Airline referral', 'Joint operation', 'Open source']),
    countsInRegional: random() < 0.6,
    sharing: { audience: { kind: 'all' }, tlp: 'GREEN' },
  };
  if (random() < 0.6) {
    const perPerson = random() < 0.75;
    // Totals are in dollars (a boatload in rupiah would pass the field's limit).
    const currency = perPerson && random() < 0.3 ? (CURRENCIES[country] ?? 'USD') : 'USD';
    const usd = pattern.fee * Math.pow(1.04, years) * (0.6 + random() * 0.8);
    input.fee = {
      amount: Math.round((perPerson ? usd : usd * total) * (RATES[currency] ?? 1)),
      currency,
      basis: perPerson ? 'per-person' : 'total',
      paymentMethods: [pick(random, ['cash', 'hawala', 'bank-transfer', 'mobile-money', 'crypto-asset'] as const)],
      covers: [pick(random, ['transport', 'package', 'documents', 'border-crossing'] as const)],
    };
  }
  if (random() < 0.5) {
    input.smugglers = {
      count: between(random, 1, 6),
      citizenships: [pattern.legs[0]?.from ?? country, ...(random() < 0.3 ? [country] : [])].filter((c, i, all) => all.indexOf(c) === i),
      roles: [pick(random, ['organiser', 'transporter', 'guide', 'recruiter'] as const)],
      methods: [pick(random, leg.mode === 'boat' ? (['mother-ship', 'transit-hubs'] as const) : leg.mode === 'air' ? (['fraudulent-documents', 'visa-abuse'] as const) : (['concealment', 'corruption', 'online-recruitment'] as const))],
    };
  }
  if (leg.mode === 'air' || random() < 0.2) input.documents = { kinds: [pick(random, ['genuine', 'fraudulent', 'stolen', 'impostor', 'none'] as const)], issuingCountries: [pattern.legs[0]?.from ?? country] };
  if (random() < 0.4) input.lawEnforcement = { arrests: between(random, 0, 4), charges: between(random, 0, 2), prosecutions: random() < 0.3 ? 1 : 0, convictions: random() < 0.15 ? 1 : 0 };
  const audience = random();
  input.sharing =
    audience < 0.6 ? { audience: { kind: 'all' }, tlp: random() < 0.5 ? 'GREEN' : 'AMBER' }
      : audience < 0.75 ? { audience: { kind: 'groups', groups: [pick(random, GROUPS)] }, tlp: 'AMBER' }
        : audience < 0.9 ? { audience: { kind: 'members', members: [pick(random, REPORTERS.filter((code) => code !== owner))] }, tlp: random() < 0.3 ? 'RED' : 'AMBER' }
          : { audience: { kind: 'owner' }, tlp: 'AMBER' };
  return { owner, input };
}
