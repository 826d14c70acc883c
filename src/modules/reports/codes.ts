/**
 * The code lists of incident reports, in one versioned place with their display labels. A report
 * stores the version it was written under; a list only grows within a version, and a change that
 * removes or renames a code is a new version (old reports keep theirs).
 */
export const CODE_LIST_VERSION = 1;

function codeList<const T extends readonly (readonly [string, string])[]>(entries: T) {
  const codes = entries.map(([code]) => code) as { [K in keyof T]: T[K][0] };
  const labels = Object.fromEntries(entries) as Record<T[number][0], string>;
  return { codes: codes as unknown as readonly T[number][0][], labels };
}

export const REPORT_STATUSES = codeList([
  ['draft', 'Draft'],
  ['submitted', 'Submitted, waiting for approval'],
  ['shared', 'Approved and shared'],
  ['withdrawn', 'Withdrawn'],
] as const);

export const INCIDENT_TYPES = codeList([
  ['smuggling-sea', 'Smuggling by sea'],
  ['smuggling-land', 'Smuggling by land'],
  ['smuggling-air', 'Smuggling by air'],
  ['document-fraud', 'Document fraud'],
  ['irregular-entry', 'Irregular entry'],
  ['irregular-exit', 'Irregular exit'],
  ['disrupted-attempt', 'Disrupted attempt'],
  ['death-or-disappearance', 'Death or disappearance in transit'],
  ['trafficking-indicators', 'Trafficking indicators present'],
] as const);

export const PLACE_KINDS = codeList([
  ['at-sea', 'At sea'],
  ['land-border', 'Land border'],
  ['airport', 'Airport'],
  ['seaport', 'Seaport'],
  ['inland', 'Inland'],
] as const);

export const TRANSPORT_MODES = codeList([
  ['boat', 'Boat'],
  ['vehicle', 'Vehicle'],
  ['on-foot', 'On foot'],
  ['air', 'Air'],
  ['rail', 'Rail'],
] as const);

export const CONVEYANCES = codeList([
  ['fishing-boat', 'Fishing boat'],
  ['wooden-boat', 'Wooden boat'],
  ['inflatable-boat', 'Inflatable boat'],
  ['speedboat', 'Speedboat'],
  ['cargo-ship', 'Cargo ship'],
  ['car', 'Car'],
  ['van', 'Van'],
  ['truck', 'Truck or lorry'],
  ['bus', 'Bus'],
  ['motorcycle', 'Motorcycle'],
  ['commercial-flight', 'Commercial flight'],
  ['train', 'Train'],
  ['other', 'Other'],
] as const);

export const VULNERABILITIES = codeList([
  ['pregnant-women', 'Pregnant women'],
  ['unaccompanied-children', 'Unaccompanied children'],
  ['elderly', 'Elderly people'],
  ['disability', 'People with disabilities'],
  ['medical-needs', 'Urgent medical needs'],
  ['stateless', 'Stateless people'],
  ['victims-of-violence', 'Victims of violence'],
] as const);

export const PAYMENT_METHODS = codeList([
  ['cash', 'Cash'],
  ['hawala', 'Hawala'],
  ['bank-transfer', 'Bank transfer'],
  ['mobile-money', 'Mobile money'],
  ['crypto-asset', 'Crypto-asset'],
  ['in-kind', 'In kind or labour'],
] as const);

export const FEE_COVERS = codeList([
  ['transport', 'Transport'],
  ['documents', 'Documents'],
  ['accommodation', 'Accommodation'],
  ['border-crossing', 'Border crossing'],
  ['bribes', 'Bribes'],
  ['package', 'Whole journey'],
] as const);

export const SMUGGLER_ROLES = codeList([
  ['organiser', 'Organiser'],
  ['recruiter', 'Recruiter'],
  ['transporter', 'Transporter'],
  ['guide', 'Guide'],
  ['document-supplier', 'Document supplier'],
  ['financier', 'Financier'],
  ['corrupt-official', 'Corrupt official'],
] as const);

export const METHODS = codeList([
  ['concealment', 'Concealment in vehicles or cargo'],
  ['fraudulent-documents', 'Fraudulent documents'],
  ['visa-abuse', 'Abuse of visas'],
  ['online-recruitment', 'Online recruitment'],
  ['false-employment', 'False offers of employment'],
  ['transit-hubs', 'Use of transit hubs'],
  ['mother-ship', 'Mother ship and transfers at sea'],
  ['corruption', 'Corruption of officials'],
  ['fake-marriage', 'Sham marriage'],
] as const);

export const DOCUMENT_USE = codeList([
  ['genuine', 'Genuine'],
  ['fraudulent', 'Fraudulent'],
  ['stolen', 'Stolen'],
  ['impostor', 'Impostor (look-alike)'],
  ['none', 'No documents'],
] as const);

export const FEE_BASES = codeList([
  ['per-person', 'Per person'],
  ['total', 'In total'],
] as const);

/** All lists, for the API (GET /reports/code-lists) and the web form's pickers. */
export const CODE_LISTS = {
  version: CODE_LIST_VERSION,
  statuses: REPORT_STATUSES.labels,
  incidentTypes: INCIDENT_TYPES.labels,
  placeKinds: PLACE_KINDS.labels,
  transportModes: TRANSPORT_MODES.labels,
  conveyances: CONVEYANCES.labels,
  vulnerabilities: VULNERABILITIES.labels,
  paymentMethods: PAYMENT_METHODS.labels,
  feeCovers: FEE_COVERS.labels,
  feeBases: FEE_BASES.labels,
  smugglerRoles: SMUGGLER_ROLES.labels,
  methods: METHODS.labels,
  documentUse: DOCUMENT_USE.labels,
} as const;
