/**
 * Bulletins as STIX 2.1 and back. Export: a `report` per bulletin (name, Markdown body as
 * description, labels from tags, report_types from its type), the owner member's `identity` as
 * created_by_ref, a `location` per country, the OASIS TLP 2.0 marking and the handling codes as
 * statement markings, and the handling codes, evaluation, type and places again in a property
 * extension of Lintas's own (its `extension-definition` in the bundle). Ids are UUIDv5 of the
 * bulletin, so exporting it again gives the same objects (a correction is a new version of the same
 * report, told by `modified`, as STIX versions objects). Import: reads reports back into drafts.
 */
import { alpha2FromAlpha3, alpha3FromAlpha2, alpha3FromName, countryName } from '../../platform/geo/countries.js';
import type { FieldError } from '../../platform/errors.js';
import { HANDLING_CODES, INFORMATION_GRADES, SOURCE_GRADES, type HandlingCode, type InformationGrade, type SourceGrade, type Tlp } from '../../platform/sharing/codes.js';
import type { SharingInput, SharingRow } from '../../platform/sharing/model.js';
import {
  DEFINED, HANDLING_TEXT, LINTAS_IDENTITY, TLP_1_0_MARKINGS, TLP_EXTENSION, TLP_MARKINGS, TLP_ORDER, handlingMarking, lintasIdentity, memberIdentity,
  memberIdentityId, stixId, strictestTlp, tlpMarking, uuidV5, type StixObject,
} from '../../platform/stix.js';
import { BULLETIN_TYPES, PLACE_PATTERN, type BulletinType } from './codes.js';
import { BODY_MAX_LENGTH } from './schemas.js';

/** Lintas's property extension of a report: what STIX has no property for. */
export const BULLETIN_EXTENSION = stixId('extension-definition', 'lintas-bulletin');
const bulletinExtension = (): StixObject => ({
  type: 'extension-definition', spec_version: '2.1', id: BULLETIN_EXTENSION, created_by_ref: LINTAS_IDENTITY, created: DEFINED, modified: DEFINED,
  name: 'Lintas bulletin',
  description: 'A Lintas bulletin’s handling codes, evaluation, type and places, on the report that carries it.',
  schema: 'A property extension of report with: bulletin_type (alert, document-fraud-alert, method-note, route-trend-note, visa-integrity-note or training-opportunity); ' +
    'handling (a list of Europol handling codes H0–H3; H2: not to be passed on without the provider’s permission); handling_note (the restriction of H3); ' +
    'evaluation_source (A, B, C or X) and evaluation_information (1–4), the source-reliability and information-credibility grading; ' +
    'places (IATA airport codes and UN/LOCODEs); version (the bulletin’s version number).',
  version: '1.0.0', extension_types: ['property-extension'], object_marking_refs: [TLP_MARKINGS.CLEAR],
});

/** What the export needs of a bulletin. */
export interface ExportedBulletin extends SharingRow {
  id: string;
  type: BulletinType;
  title: string;
  body: string;
  countries: string[];
  places: string[];
  tags: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

function location(alpha3: string): StixObject | undefined {
  const alpha2 = alpha2FromAlpha3(alpha3);
  if (!alpha2) return undefined;
  return { type: 'location', spec_version: '2.1', id: stixId('location', `country:${alpha3}`), created: DEFINED, modified: DEFINED, name: countryName(alpha3), country: alpha2, object_marking_refs: [TLP_MARKINGS.CLEAR] };
}

function report(row: ExportedBulletin, refs: string[], handling: StixObject[]): StixObject {
  const owner = memberIdentityId(row.owner);
  const extension: Record<string, unknown> = { extension_type: 'property-extension', bulletin_type: row.type, version: row.version };
  if (row.handling.length > 0) extension.handling = row.handling;
  if (row.handling_note) extension.handling_note = row.handling_note;
  if (row.evaluation_source && row.evaluation_information) Object.assign(extension, { evaluation_source: row.evaluation_source, evaluation_information: row.evaluation_information });
  if (row.places.length > 0) extension.places = row.places;
  return {
    type: 'report', spec_version: '2.1', id: stixId('report', `bulletin:${row.id}`), created_by_ref: owner,
    created: row.created_at.toISOString(), modified: row.updated_at.toISOString(), name: row.title, description: row.body,
    published: row.created_at.toISOString(), report_types: ['threat-report', row.type],
    ...(row.tags.length > 0 ? { labels: row.tags } : {}),
    // A report refers to at least one object: one without countries refers to its owner.
    object_refs: refs.length > 0 ? refs : [owner],
    external_references: [{ source_name: 'lintas', external_id: `bulletins/${row.id}` }],
    object_marking_refs: [TLP_MARKINGS[row.tlp], ...handling.map((marking) => marking.id)],
    extensions: { [BULLETIN_EXTENSION]: extension },
  };
}

/** Bulletins as one STIX 2.1 bundle; `members` names each owner (code → name). The bundle's id is UUIDv5 of the bulletins' ids and versions. */
export function bulletinsBundle(rows: readonly ExportedBulletin[], members: ReadonlyMap<string, string>): { type: 'bundle'; id: string; objects: StixObject[] } {
  const objects = new Map<string, StixObject>();
  const add = (object: StixObject) => objects.set(object.id, object);
  add(lintasIdentity());
  add(bulletinExtension());
  const reports: StixObject[] = [];
  const tlps = new Set<Tlp>(['CLEAR']);
  for (const row of rows) {
    add(memberIdentity(row.owner, members.get(row.owner) ?? row.owner));
    const places = row.countries.map(location).filter((object) => object !== undefined);
    places.forEach(add);
    const handling = row.handling.map((code) => handlingMarking(code, row.handling_note));
    handling.forEach(add);
    tlps.add(row.tlp);
    reports.push(report(row, places.map((place) => place.id), handling));
  }
  for (const tlp of TLP_ORDER) if (tlps.has(tlp)) add(tlpMarking(tlp));
  reports.forEach(add);
  const name = rows.map((row) => `${row.id}:${row.version}`).sort().join(',');
  return { type: 'bundle', id: `bundle--${uuidV5(name, uuidV5('bundle', LINTAS_IDENTITY.slice('identity--'.length)))}`, objects: [...objects.values()] };
}

// Import.

/** A report read from a bundle, as the draft it becomes. */
export interface ImportedReport {
  pointer: string;
  stixId: string;
  type: BulletinType;
  title: string;
  body: string;
  countries: string[];
  places: string[];
  tags: string[];
  sharing: SharingInput;
}

/** What a bundle holds for Lintas: its reports, those refused for their handling, its errors, and the object types it ignored with their counts. */
export interface ReadBundle {
  reports: ImportedReport[];
  refused: FieldError[];
  errors: FieldError[];
  ignored: Record<string, number>;
}

/** The types an import reads: reports, and what they refer to. Every other type is ignored, with a count. */
const READ_TYPES = new Set(['report', 'location', 'identity', 'marking-definition', 'extension-definition']);
const IDENTIFIER = /^([a-z0-9][a-z0-9-]*[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TLP_NAMES: Readonly<Record<string, Tlp>> = { CLEAR: 'CLEAR', WHITE: 'CLEAR', GREEN: 'GREEN', AMBER: 'AMBER', 'AMBER+STRICT': 'AMBER+STRICT', RED: 'RED' };
const TLP_LABEL = /^tlp:(clear|white|green|amber|amber\+strict|red)$/i;
const TAG = /^\S(.*\S)?$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
const tlpOfName = (name: unknown): Tlp | undefined => (typeof name === 'string' ? TLP_NAMES[name.replace(/^TLP:/i, '').toUpperCase()] : undefined);

/** What a marking definition says: a TLP level, a handling code (a statement that starts with one), or nothing Lintas knows. */
function markingOf(id: string, objects: ReadonlyMap<string, Json>): { tlp?: Tlp; handling?: HandlingCode; note?: string } {
  const known = (Object.entries(TLP_MARKINGS) as [Tlp, string][]).find(([, markingId]) => markingId === id)?.[0] ?? TLP_1_0_MARKINGS[id];
  if (known) return { tlp: known };
  const marking = objects.get(id);
  if (!marking) return {};
  const definition = isObject(marking.definition) ? marking.definition : {};
  const tlpExtension = isObject(marking.extensions) ? marking.extensions[TLP_EXTENSION] : undefined;
  const extension: Json = isObject(tlpExtension) ? tlpExtension : {};
  const tlp = tlpOfName(extension.tlp_2_0) ?? (marking.definition_type === 'tlp' ? tlpOfName(definition.tlp) : undefined) ?? (typeof marking.name === 'string' && /^TLP:/i.test(marking.name) ? tlpOfName(marking.name) : undefined);
  if (tlp) return { tlp };
  const statement = typeof definition.statement === 'string' ? definition.statement : '';
  const code = HANDLING_CODES.find((handling) => statement.startsWith(`${handling}:`));
  if (!code) return {};
  return code === 'H3' ? { handling: code, note: statement.slice(HANDLING_TEXT.H3.length + 2).trim() || undefined } : { handling: code };
}

/** The country (alpha-3) of a location object: its alpha-2 `country`, else its name. */
function countryOf(object: Json | undefined): string | undefined {
  if (object?.type !== 'location') return undefined;
  if (typeof object.country === 'string') return alpha3FromAlpha2(object.country);
  return typeof object.name === 'string' ? alpha3FromName(object.name) : undefined;
}

/** Checks each object's identifier and spec_version, and keeps the newest version of each id (STIX versions an object by `modified`). */
function latestObjects(objects: readonly Json[], errors: FieldError[]): Map<string, { object: Json; index: number }> {
  const latest = new Map<string, { object: Json; index: number }>();
  objects.forEach((object, index) => {
    const type = String(object.type);
    const id = String(object.id);
    const pointer = `/objects/${index}`;
    if (!IDENTIFIER.test(id) || !id.startsWith(`${type}--`)) errors.push({ pointer: `${pointer}/id`, detail: `"${id}" is not a STIX identifier of type ${type} (type--UUID)` });
    if (!READ_TYPES.has(type)) return;
    if (object.spec_version === undefined) errors.push({ pointer: `${pointer}/spec_version`, detail: 'missing: STIX 2.1 objects carry spec_version "2.1"' });
    else if (object.spec_version !== '2.1') errors.push({ pointer: `${pointer}/spec_version`, detail: `${JSON.stringify(object.spec_version)}: only STIX 2.1 is imported` });
    const before = latest.get(id);
    if (!before) {
      latest.set(id, { object, index });
    } else if (before.object.modified === object.modified) {
      errors.push({ pointer: `${pointer}/id`, detail: `${id} appears twice (at /objects/${before.index} too) with the same modified time` });
    } else if (textOf(object.modified) > textOf(before.object.modified)) {
      latest.set(id, { object, index });
    }
  });
  return latest;
}

/** Reads one report as a draft; its field errors go to `errors`. */
function readReport(object: Json, pointer: string, objects: ReadonlyMap<string, Json>, errors: FieldError[]): ImportedReport {
  const name = typeof object.name === 'string' ? object.name.trim() : '';
  if (name.length === 0 || name.length > 300) errors.push({ pointer: `${pointer}/name`, detail: 'a report needs a name of 1 to 300 characters' });
  if (object.description !== undefined && (typeof object.description !== 'string' || object.description.length > BODY_MAX_LENGTH)) {
    errors.push({ pointer: `${pointer}/description`, detail: `a description is text of at most ${BODY_MAX_LENGTH} characters` });
  }
  if (typeof object.published !== 'string' || !TIMESTAMP.test(object.published)) errors.push({ pointer: `${pointer}/published`, detail: 'a report needs its published time (RFC 3339, UTC)' });
  if (!Array.isArray(object.object_refs) || object.object_refs.length === 0) errors.push({ pointer: `${pointer}/object_refs`, detail: 'a report refers to at least one object' });

  const markings = strings(object.object_marking_refs).map((id) => markingOf(id, objects));
  const labels = strings(object.labels);
  const tlps = [...markings.flatMap((m) => (m.tlp ? [m.tlp] : [])), ...labels.flatMap((label) => (TLP_LABEL.test(label) ? [tlpOfName(label) ?? 'AMBER'] : []))];
  const extensions = isObject(object.extensions) ? object.extensions : {};
  const extension = extensions[BULLETIN_EXTENSION];
  const ours: Json = isObject(extension) ? extension : {};
  let handling = [...new Set([...markings.flatMap((m) => (m.handling ? [m.handling] : [])), ...strings(ours.handling).filter((code): code is HandlingCode => (HANDLING_CODES as readonly string[]).includes(code))])].sort();
  if (handling.includes('H0') && handling.length > 1) handling = handling.filter((code) => code !== 'H0');
  const note = typeof ours.handling_note === 'string' && ours.handling_note.length <= 1000 ? ours.handling_note : markings.find((m) => m.note)?.note;
  const [source, information] = [ours.evaluation_source, ours.evaluation_information];
  const evaluation = typeof source === 'string' && typeof information === 'string' && (SOURCE_GRADES as readonly string[]).includes(source) && (INFORMATION_GRADES as readonly string[]).includes(information)
    ? { source: source as SourceGrade, information: information as InformationGrade } : null;

  const sharing: SharingInput = { audience: { kind: 'owner' }, tlp: tlps.length > 0 ? strictestTlp(tlps) : 'AMBER', handling, evaluation };
  if (handling.includes('H3')) sharing.handlingNote = note ?? 'Restrictions as the provider set them.';
  const types = [...strings(object.report_types), ...(typeof ours.bulletin_type === 'string' ? [ours.bulletin_type] : [])];
  const countries = strings(object.object_refs).map((ref) => countryOf(objects.get(ref))).filter((code) => code !== undefined);
  const places = strings(ours.places).filter((place) => new RegExp(PLACE_PATTERN).test(place));
  const tags = labels.filter((label) => !TLP_LABEL.test(label)).map((label) => label.trim()).filter((label) => label.length <= 60 && TAG.test(label));
  return {
    pointer, stixId: String(object.id), title: name, body: typeof object.description === 'string' ? object.description : '',
    type: BULLETIN_TYPES.find((type) => types.includes(type)) ?? 'alert',
    countries: [...new Set(countries)].slice(0, 50), places: [...new Set(places)].slice(0, 50), tags: [...new Set(tags)].slice(0, 30), sharing,
  };
}

/**
 * A bundle's reports as drafts. A report its importer may not re-share (TLP:RED or TLP:AMBER+STRICT,
 * TLP 1.0 RED, or H2; rule 5) is refused, named by its pointer. STIX 2.0 bundles (spec_version on the
 * bundle) and objects without spec_version are errors; references outside the bundle are allowed
 * (the specification allows them) and simply not followed.
 */
export function readBundle(bundle: Json & { objects: Json[] }): ReadBundle {
  if (bundle.spec_version !== undefined) {
    return { reports: [], refused: [], ignored: {}, errors: [{ pointer: '/spec_version', detail: 'a STIX 2.0 bundle: STIX 2.1 bundles carry no spec_version, and only STIX 2.1 is imported' }] };
  }
  const errors: FieldError[] = [];
  if (!IDENTIFIER.test(String(bundle.id)) || !String(bundle.id).startsWith('bundle--')) errors.push({ pointer: '/id', detail: 'a bundle’s id is bundle--<UUID>' });
  const latest = latestObjects(bundle.objects, errors);
  const objects = new Map([...latest].map(([id, { object }]) => [id, object]));
  // Counted in a Map: a type is the sender's text (`__proto__` included).
  const counts = new Map<string, number>();
  for (const object of bundle.objects) if (!READ_TYPES.has(String(object.type))) counts.set(String(object.type), (counts.get(String(object.type)) ?? 0) + 1);
  const ignored: Record<string, number> = Object.fromEntries(counts);
  const reports: ImportedReport[] = [];
  const refused: FieldError[] = [];
  for (const { object, index } of [...latest.values()].sort((a, b) => a.index - b.index)) {
    if (object.type !== 'report') continue;
    const read = readReport(object, `/objects/${index}`, objects, errors);
    const { tlp, handling } = read.sharing;
    if (tlp === 'RED' || tlp === 'AMBER+STRICT' || handling?.includes('H2')) {
      refused.push({ pointer: read.pointer, detail: `"${read.title}" is ${handling?.includes('H2') ? 'H2 (not to be passed on without its provider’s permission)' : `TLP:${tlp}`}: its recipients may not re-share it` });
    } else {
      reports.push(read);
    }
  }
  return { reports, refused, errors, ignored };
}
