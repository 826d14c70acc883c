/**
 * The reports module's code lists as people read them: message ids (web/src/i18n/README.md), one
 * table per list, translated where a page shows them. The codes are the server's (codes.ts); a code
 * this version of the app does not know reads as the server's label, or as itself.
 */
import type { CODE_LISTS } from '../../../../src/modules/reports/codes.js';
import { msg, type MessageId, type Translate } from '../../i18n/index.js';
import type { LawEnforcementCount, Outcome, PeopleCount, ReportStatus } from './api.js';

export type CodeListName = Exclude<keyof typeof CODE_LISTS, 'version'>;
type Labels = { [L in CodeListName]: Readonly<Record<keyof (typeof CODE_LISTS)[L], MessageId>> };

export const CODE_LABEL: Labels = {

  statuses: {
    draft: msg('reports.code.status.draft'),
    submitted: msg('reports.code.status.submitted'),
    shared: msg('reports.code.status.shared'),
    withdrawn: msg('reports.code.status.withdrawn'),
  },
  incidentTypes: {
    'smuggling-sea': msg('reports.code.incidentType.smugglingSea'),
    'smuggling-land': msg('reports.code.incidentType.smugglingLand'),
    'smuggling-air': msg('reports.code.incidentType.smugglingAir'),
    'document-fraud': msg('reports.code.incidentType.documentFraud'),
    'irregular-entry': msg('reports.code.incidentType.irregularEntry'),
    'irregular-exit': msg('reports.code.incidentType.irregularExit'),
    'disrupted-attempt': msg('reports.code.incidentType.disruptedAttempt'),
    'death-or-disappearance': msg('reports.code.incidentType.deathOrDisappearance'),
    'trafficking-indicators': msg('reports.code.incidentType.traffickingIndicators'),
  },
  placeKinds: {
    'at-sea': msg('reports.code.placeKind.atSea'),
    'land-border': msg('reports.code.placeKind.landBorder'),
    airport: msg('reports.code.placeKind.airport'),
    seaport: msg('reports.code.placeKind.seaport'),
    inland: msg('reports.code.placeKind.inland'),
  },
  transportModes: {
    boat: msg('reports.code.mode.boat'),
    vehicle: msg('reports.code.mode.vehicle'),
    'on-foot': msg('reports.code.mode.onFoot'),
    air: msg('reports.code.mode.air'),
    rail: msg('reports.code.mode.rail'),
  },
  conveyances: {
    'fishing-boat': msg('reports.code.conveyance.fishingBoat'),
    'wooden-boat': msg('reports.code.conveyance.woodenBoat'),
    'inflatable-boat': msg('reports.code.conveyance.inflatableBoat'),
    speedboat: msg('reports.code.conveyance.speedboat'),
    'cargo-ship': msg('reports.code.conveyance.cargoShip'),
    car: msg('reports.code.conveyance.car'),
    van: msg('reports.code.conveyance.van'),
    truck: msg('reports.code.conveyance.truck'),
    bus: msg('reports.code.conveyance.bus'),
    motorcycle: msg('reports.code.conveyance.motorcycle'),
    'commercial-flight': msg('reports.code.conveyance.commercialFlight'),
    train: msg('reports.code.conveyance.train'),
    other: msg('reports.code.conveyance.other'),
  },
  vulnerabilities: {
    'pregnant-women': msg('reports.code.vulnerability.pregnantWomen'),
    'unaccompanied-children': msg('reports.code.vulnerability.unaccompaniedChildren'),
    elderly: msg('reports.code.vulnerability.elderly'),
    disability: msg('reports.code.vulnerability.disability'),
    'medical-needs': msg('reports.code.vulnerability.medicalNeeds'),
    stateless: msg('reports.code.vulnerability.stateless'),
    'victims-of-violence': msg('reports.code.vulnerability.victimsOfViolence'),
  },
  paymentMethods: {
    cash: msg('reports.code.paymentMethod.cash'),
    hawala: msg('reports.code.paymentMethod.hawala'),
    'bank-transfer': msg('reports.code.paymentMethod.bankTransfer'),
    'mobile-money': msg('reports.code.paymentMethod.mobileMoney'),
    'crypto-asset': msg('reports.code.paymentMethod.cryptoAsset'),
    'in-kind': msg('reports.code.paymentMethod.inKind'),
  },
  feeCovers: {
    transport: msg('reports.code.feeCovers.transport'),
    documents: msg('reports.code.feeCovers.documents'),
    accommodation: msg('reports.code.feeCovers.accommodation'),
    'border-crossing': msg('reports.code.feeCovers.borderCrossing'),
    bribes: msg('reports.code.feeCovers.bribes'),
    package: msg('reports.code.feeCovers.package'),
  },
  smugglerRoles: {
    organiser: msg('reports.code.smugglerRole.organiser'),
    recruiter: msg('reports.code.smugglerRole.recruiter'),
    transporter: msg('reports.code.smugglerRole.transporter'),
    guide: msg('reports.code.smugglerRole.guide'),
    'document-supplier': msg('reports.code.smugglerRole.documentSupplier'),
    financier: msg('reports.code.smugglerRole.financier'),
    'corrupt-official': msg('reports.code.smugglerRole.corruptOfficial'),
  },
  methods: {
    concealment: msg('reports.code.method.concealment'),
    'fraudulent-documents': msg('reports.code.method.fraudulentDocuments'),
    'visa-abuse': msg('reports.code.method.visaAbuse'),
    'online-recruitment': msg('reports.code.method.onlineRecruitment'),
    'false-employment': msg('reports.code.method.falseEmployment'),
    'transit-hubs': msg('reports.code.method.transitHubs'),
    'mother-ship': msg('reports.code.method.motherShip'),
    corruption: msg('reports.code.method.corruption'),
    'fake-marriage': msg('reports.code.method.fakeMarriage'),
  },
  documentUse: {
    genuine: msg('reports.code.documentUse.genuine'),
    fraudulent: msg('reports.code.documentUse.fraudulent'),
    stolen: msg('reports.code.documentUse.stolen'),
    impostor: msg('reports.code.documentUse.impostor'),
    none: msg('reports.code.documentUse.none'),
  },
  feeBases: {
    'per-person': msg('reports.code.feeBasis.perPerson'),
    total: msg('reports.code.feeBasis.total'),
  },};

/** A code of a list in words: its message, else the server's label, else the code itself. */
export function codeLabel(t: Translate, list: CodeListName, code: string, fallback?: Readonly<Record<string, string>>): string {
  const labels: Readonly<Record<string, MessageId>> = CODE_LABEL[list];
  const id = labels[code];
  return id ? t(id) : (fallback?.[code] ?? code);
}

/** The codes of a list in the server's order, each with its words (for pickers and filters). */
export function codeItems(t: Translate, list: CodeListName, codes: Readonly<Record<string, string>>): { code: string; name: string }[] {
  return Object.keys(codes).map((code) => ({ code, name: codeLabel(t, list, code, codes) }));
}

export const STATUS_LABEL: Readonly<Record<ReportStatus, MessageId>> = CODE_LABEL.statuses;

/** The counts of a report: people by sex and age, outcomes, law enforcement. */
export const COUNT_LABEL: Readonly<Record<PeopleCount | Outcome | LawEnforcementCount, MessageId>> = {
  adultMen: msg('reports.count.adultMen'),
  adultWomen: msg('reports.count.adultWomen'),
  boys: msg('reports.count.boys'),
  girls: msg('reports.count.girls'),
  unknownSexOrAge: msg('reports.count.unknownSexOrAge'),
  unaccompaniedChildren: msg('reports.count.unaccompaniedChildren'),
  intercepted: msg('reports.count.intercepted'),
  rescued: msg('reports.count.rescued'),
  dead: msg('reports.count.dead'),
  missing: msg('reports.count.missing'),
  returned: msg('reports.count.returned'),
  claimedAsylum: msg('reports.count.claimedAsylum'),
  arrests: msg('reports.count.arrests'),
  charges: msg('reports.count.charges'),
  prosecutions: msg('reports.count.prosecutions'),
  convictions: msg('reports.count.convictions'),
};
