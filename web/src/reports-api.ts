import type { Sharing } from './api.js';

/** The reports module as the web app sees it (the API's Report, ReportInput and code lists). */

export const REPORT_STATUSES = ['draft', 'submitted', 'shared', 'withdrawn'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface RouteLeg {
  from: string;
  to: string;
  transit?: string[];
  mode?: string;
  conveyance?: string;
}

export interface PeopleGroup {
  citizenship: string;
  adultMen?: number;
  adultWomen?: number;
  boys?: number;
  girls?: number;
  unknownSexOrAge?: number;
  unaccompaniedChildren?: number;
}

export const PEOPLE_COUNTS = ['adultMen', 'adultWomen', 'boys', 'girls', 'unknownSexOrAge', 'unaccompaniedChildren'] as const;
export type PeopleCount = (typeof PEOPLE_COUNTS)[number];
export const OUTCOMES = ['intercepted', 'rescued', 'dead', 'missing', 'returned', 'claimedAsylum'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const LAW_ENFORCEMENT = ['arrests', 'charges', 'prosecutions', 'convictions'] as const;
export type LawEnforcementCount = (typeof LAW_ENFORCEMENT)[number];

/** What POST /reports and PUT /reports/:id take. */
export interface ReportInput {
  agency?: string;
  when?: { from: string; to?: string };
  where: { country: string; place?: string; latitude?: number; longitude?: number; kind?: string };
  incidentType: string;
  origin?: string;
  destination?: string;
  route?: RouteLeg[];
  people?: PeopleGroup[];
  vulnerabilities?: string[];
  outcomes?: Partial<Record<Outcome, number>>;
  fee?: { amount: number; currency: string; basis: string; paymentMethods?: string[]; covers?: string[] };
  smugglers?: { count?: number; citizenships?: string[]; roles?: string[]; methods?: string[] };
  documents?: { kinds?: string[]; issuingCountries?: string[] };
  lawEnforcement?: Partial<Record<LawEnforcementCount, number>>;
  source?: string;
  narrative?: string;
  countsInRegional?: boolean;
  sharing: Sharing;
}

export interface ReportAbilities {
  update: boolean;
  submit: boolean;
  approve: boolean;
  return: boolean;
  withdraw: boolean;
  delete: boolean;
  passOn: boolean;
}

export interface Report extends ReportInput {
  id: string;
  owner: string;
  status: ReportStatus;
  codeListVersion: number;
  peopleTotal: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
  withdrawnAt: string | null;
  /** Why an approver returned the report to draft (its owner's users only, until submitted again). */
  returnNote: { note: string; returnedAt: string | null } | null;
  abilities: ReportAbilities;
}

export type ReportOne = { data: Report; abilities: ReportAbilities };

type Labels = Record<string, string>;

export interface CodeLists {
  version: number;
  statuses: Labels;
  incidentTypes: Labels;
  placeKinds: Labels;
  transportModes: Labels;
  conveyances: Labels;
  vulnerabilities: Labels;
  paymentMethods: Labels;
  feeCovers: Labels;
  feeBases: Labels;
  smugglerRoles: Labels;
  methods: Labels;
  documentUse: Labels;
  countries: { code: string; name: string }[];
}

/** The label of a code, or the code itself when the list does not know it. */
export function labelOf(labels: Labels | undefined, code: string | undefined): string {
  if (!code) return '';
  return labels?.[code] ?? code;
}
