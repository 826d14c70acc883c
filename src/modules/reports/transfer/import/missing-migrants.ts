import { createHash } from 'node:crypto';
import type { FieldError } from '../../../../platform/errors.js';
import { countryName } from '../../../../platform/geo/countries.js';
import { locate } from '../../../../platform/geo/locate.js';
import { countriesNamedIn } from '../../../../platform/geo/named-country.js';
import { CellError, readCount, readDateAs, readDecimal, readText } from './cells.js';
import type { DateCell, ImportFormat, MappedRow, RowDefaults, RowError } from './format.js';

/**
 * The IOM Missing Migrants Project's incident files (cite as "IOM Missing Migrants Project"), one
 * incident per row, imported as reports of deaths and disappearances in transit. IOM has published
 * them in several layouts over the years; `FIELDS` lists, for each field read, the names its column
 * has had (the 2019 file's first), and a row's value is the first non-empty one among those the file has.
 *
 * - key: the source's own identifier (Web ID in files to 2020; Incident ID or Main ID later). A row
 *   without one is keyed by a hash of its own identifying fields (date, point, counts, place), read
 *   and normalised, so the same row read again (or repaired of mojibake) has the same key.
 * - when: Incident Date, else Reported Date, in any shape `readDateAs` reads (December 30, 2019;
 *   1-Sep-20; a spreadsheet's date cell; numbers only with the import's `dateOrder`).
 * - outcomes: dead = Number Dead, missing = Minimum Estimated Number of Missing, rescued = Number of Survivors.
 * - where (`placeOf`): the point of "Location Coordinates" or "Coordinates" ("lat, lon"), or of the
 *   Latitude and Longitude columns; place = Location Description; sourceRegion = Region of Incident
 *   (Region in some layouts). The country is the one the point lies in (Natural Earth 1:10m); a point
 *   in no country is at sea (place kind at-sea) and takes the country whose coast is nearest within
 *   250 km; farther out it has no country, and its sea area is the source's region (no marine-regions
 *   boundary set is published on the npm registry to name it from the point). Where the description
 *   names countries and the point's is not among them, the named one is kept as namedCountry and the
 *   row gets a warning. A row without a point is rejected.
 * - people: one group of unknown citizenship (XXX). MMP counts females and males including the
 *   children among them, and children without their sex, so the three overlap. With no children
 *   counted, females are adult women and males adult men. With children counted, age or sex is
 *   unknown for everyone (the children's sex, the others' age), so all go to unknownSexOrAge, as
 *   max(females + males, children): the children are assumed to be among the females and males
 *   where they can be, so no one is counted twice.
 * - source: Information Source, then "(IOM Missing Migrants Project)", in the 300 characters a
 *   report's source holds. The rest of the source is kept in `sourceDetails`: the record's own id,
 *   its URL, and Source Quality as "n/5" (its region is the place's sourceRegion). Source Quality
 *   is not mapped to the evaluation: its 1–5 scale grades how many and which sources confirmed the
 *   incident, and has no faithful mapping onto the A–C/X and 1–4 grades a member assigns itself.
 * - narrative: Cause of Death (checked like every narrative: a row naming someone is rejected).
 * - sharing: the import's default; the file carries none.
 *
 * Cells reading NULL, N/A or "-" are empty, and mojibake is repaired, for every format (cells.ts `cleanCells`).
 */

/** The fields read, each with the names its column has had in IOM's layouts, preferred first. */
const FIELDS = {
  id: ['Web ID', 'Incident ID', 'Main ID'],
  date: ['Incident Date', 'Reported Date'],
  dead: ['Number Dead', 'Number of Dead'],
  missing: ['Minimum Estimated Number of Missing'],
  survivors: ['Number of Survivors'],
  females: ['Number of Females'],
  males: ['Number of Males'],
  children: ['Number of Children'],
  cause: ['Cause of Death'],
  place: ['Location Description', 'Location of death'],
  coordinates: ['Location Coordinates', 'Coordinates'],
  latitude: ['Latitude'],
  longitude: ['Longitude'],
  informationSource: ['Information Source'],
  url: ['URL'],
  quality: ['Source Quality'],
  region: ['Region of Incident', 'Region'],
} as const satisfies Record<string, readonly string[]>;
type Field = keyof typeof FIELDS;

/** Columns of IOM's layouts this adapter does not read, named so a header of any layout is recognised. */
const UNREAD_COLUMNS = [
  'Reported Year', 'Incident year', 'Reported Month', 'Total Dead and Missing', 'Total Number of Dead and Missing', 'Migration Route',
  'UNSD Geographical Grouping', 'Incident Type', 'Region of Origin', 'Country of Origin', 'Country of Incident', 'Article title',
];

const MMP_COLUMNS = [...new Set([...Object.values(FIELDS).flat(), ...UNREAD_COLUMNS])];

const MAX_SEA_DISTANCE_KM = 250;

/** The first of a field's columns that the row has and that is not empty; else the first it has. */
function columnOf(cells: Record<string, string>, field: Field): string | undefined {
  let present: string | undefined;
  for (const name of FIELDS[field]) {
    const text = cells[name];
    if (text === undefined) continue;
    if (text.trim() !== '') return name;
    present ??= name;
  }
  return present;
}

function readCoordinates(text: string): { latitude: number; longitude: number } {
  const value = text.trim();
  if (value === '') throw new CellError('is empty: the report needs a place, and its country is found from the coordinates');
  const match = /^(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$/.exec(value);
  if (!match) throw new CellError(`must be "latitude, longitude" in decimal degrees (${value.slice(0, 40)})`);
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (latitude < -90 || latitude > 90) throw new CellError(`the latitude ${latitude} is outside -90 to 90`);
  if (longitude < -180 || longitude > 180) throw new CellError(`the longitude ${longitude} is outside -180 to 180`);
  return { latitude, longitude };
}

/** One half of a point given in two columns; required, as the point is. */
const readDegrees = (min: number, max: number) => (text: string): number => {
  const value = readDecimal(text, min, max);
  if (value === undefined) throw new CellError('is empty: the report needs a place, and its country is found from the coordinates');
  return value;
};

const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

const label = (code: string): string => `${countryName(code)} (${code})`;

/**
 * The report's place from the row's point, its description and its source's region: the country
 * from the point (the sea rule within 250 km, none beyond), compared with the countries the
 * description names. A disagreement keeps the point's country, stores the named one and warns;
 * a point far at sea whose latitude and longitude, swapped, fall in the named country is warned of too.
 */
export function placeOf(
  point: { latitude: number; longitude: number },
  text: { description: string; region: string },
  columns: { description: string; point: string } = { description: 'Location Description', point: 'Location Coordinates' },
): { where: Record<string, unknown>; warnings: RowError[] } | { error: RowError } {
  const located = locate(point.latitude, point.longitude, MAX_SEA_DISTANCE_KM);
  if (!located && text.region === '') {
    return { error: { column: columns.point, message: `the point is at sea more than ${MAX_SEA_DISTANCE_KM} km from any country and the row has no Region of Incident to name its sea area` } };
  }
  const named = countriesNamedIn(text.description);
  const warnings: RowError[] = [];
  let namedCountry: string | undefined;
  if (named.main && !(located && named.all.includes(located.country))) {
    namedCountry = named.main;
    if (located) {
      const where = located.onLand ? `lies in ${label(located.country)}` : `is at sea ${located.distanceKm} km off ${label(located.country)}`;
      warnings.push({ column: columns.description, message: `names ${label(named.main)}, but the point ${where}; the report keeps ${located.country} and notes ${named.main} as the named country` });
    } else {
      const swapped = Math.abs(point.longitude) <= 90 ? locate(point.longitude, point.latitude, 0) : undefined;
      if (swapped?.onLand && swapped.country === named.main) {
        warnings.push({ column: columns.point, message: `the point is far at sea, but with latitude and longitude swapped it would be in ${label(named.main)}, which the description names: check the coordinates` });
      }
    }
  }
  return {
    where: {
      ...(located ? { country: located.country } : {}),
      ...(text.description ? { place: shorten(text.description, 200) } : {}),
      latitude: point.latitude,
      longitude: point.longitude,
      ...(located?.onLand ? {} : { kind: 'at-sea' }),
      ...(text.region ? { sourceRegion: shorten(text.region, 120) } : {}),
      ...(namedCountry ? { namedCountry } : {}),
    },
    warnings,
  };
}

/** Whole links up to `max` characters (a cut link leads nowhere): those that do not fit are left out. */
function links(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const link of text.split(/[\s,]+/).filter(Boolean)) {
    const next = kept === '' ? link : `${kept}, ${link}`;
    if (next.length > max) break;
    kept = next;
  }
  return kept;
}

const SOURCE_SUFFIX = ' (IOM Missing Migrants Project)';

function people(females: number | undefined, males: number | undefined, children: number | undefined): Record<string, unknown>[] {
  const f = females ?? 0;
  const m = males ?? 0;
  const c = children ?? 0;
  if (f + m + c === 0) return [];
  if (c === 0) return [{ citizenship: 'XXX', ...(f > 0 ? { adultWomen: f } : {}), ...(m > 0 ? { adultMen: m } : {}) }];
  return [{ citizenship: 'XXX', unknownSexOrAge: Math.max(f + m, c) }];
}

/** Text as the hash of a row compares it: composed, lower case, spaces single. */
const normalised = (text: string | undefined): string => (text ?? '').normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

const KEY_FROM = 'date, point, counts and place';

/** The key of a row without an identifier: a hash of its own identifying fields, as read. */
function rowKey(fields: { date: string | undefined; latitude: number; longitude: number; counts: (number | undefined)[]; place: string | undefined }): string {
  const identity = [fields.date ?? '', fields.latitude.toFixed(6), fields.longitude.toFixed(6), ...fields.counts.map((count) => count ?? ''), normalised(fields.place)];
  return `row-sha256:${createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 40)}`;
}

/** The cells of one row, read field by field, and the errors and date cells found. */
class MmpRow {
  readonly errors: RowError[] = [];
  readonly dates: DateCell[] = [];
  constructor(readonly cells: Record<string, string>) {}

  read<T>(field: Field, reader: (text: string) => T): T | undefined {
    const column = columnOf(this.cells, field);
    if (column === undefined) return undefined;
    return this.readColumn(column, reader);
  }

  readColumn<T>(column: string, reader: (text: string) => T): T | undefined {
    try {
      return reader(this.cells[column] ?? '');
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      this.errors.push({ column, message: error.message });
      return undefined;
    }
  }

  text(field: Field): string | undefined {
    return this.read(field, readText);
  }

  /** The point of the row and the column it was read from: one "lat, lon" cell, or Latitude and Longitude. */
  point(): { latitude: number; longitude: number; column: string } | undefined {
    const single = columnOf(this.cells, 'coordinates');
    const split = this.cells.Latitude !== undefined && this.cells.Longitude !== undefined;
    if (single !== undefined && (!split || (this.cells[single] ?? '').trim() !== '')) {
      const point = this.readColumn(single, readCoordinates);
      return point && { ...point, column: single };
    }
    const latitude = this.readColumn('Latitude', readDegrees(-90, 90));
    const longitude = this.readColumn('Longitude', readDegrees(-180, 180));
    return latitude === undefined || longitude === undefined ? undefined : { latitude, longitude, column: 'Latitude' };
  }
}

function mapRow(cells: Record<string, string>, defaults: RowDefaults): MappedRow {
  const row = new MmpRow(cells);
  const errors = row.errors;
  const dateColumn = columnOf(cells, 'date');
  const read = row.read('date', (text) => readDateAs(text, defaults.dateOrder));
  if (read && dateColumn) row.dates.push({ column: dateColumn, format: read.format });
  const from = read?.date;
  const dead = row.read('dead', readCount);
  const missing = row.read('missing', readCount);
  const rescued = row.read('survivors', readCount);
  const females = row.read('females', readCount);
  const males = row.read('males', readCount);
  const children = row.read('children', readCount);
  const point = row.point();
  const place = row.text('place');
  const region = row.text('region');
  const placed = point
    ? placeOf(point, { description: place ?? '', region: region ?? '' }, { description: columnOf(cells, 'place') ?? FIELDS.place[0], point: point.column })
    : undefined;
  if (placed && 'error' in placed) errors.push(placed.error);
  if (!defaults.sharing) errors.push({ column: keyColumn(cells), message: 'the file carries no sharing; give a default sharing in the import options' });
  if (errors.length > 0 || !point || !placed || 'error' in placed || !defaults.sharing) return { errors, dates: row.dates };
  const outcomes = { ...(dead !== undefined ? { dead } : {}), ...(missing !== undefined ? { missing } : {}), ...(rescued !== undefined ? { rescued } : {}) };
  const group = people(females, males, children);
  const narrative = row.text('cause');
  const id = row.text('id');
  const quality = row.text('quality');
  const url = row.text('url');
  const details = {
    ...(id ? { recordId: shorten(id, 200) } : {}),
    ...(url ? { url: links(url, 2000) } : {}),
    ...(quality ? { quality: /^[1-5]$/.test(quality) ? `${quality}/5` : shorten(quality, 40) } : {}),
  };
  const informationSource = row.text('informationSource');
  const key = id ?? rowKey({ date: from, latitude: point.latitude, longitude: point.longitude, counts: [dead, missing, rescued, females, males, children], place });
  return {
    key,
    ...(id ? {} : { keyFrom: KEY_FROM }),
    dates: row.dates,
    ...(placed.warnings.length > 0 ? { warnings: placed.warnings } : {}),
    input: {
      ...(from ? { when: { from } } : {}),
      where: placed.where,
      incidentType: 'death-or-disappearance',
      ...(group.length > 0 ? { people: group } : {}),
      ...(Object.keys(outcomes).length > 0 ? { outcomes } : {}),
      source: informationSource ? shorten(informationSource, 300 - SOURCE_SUFFIX.length) + SOURCE_SUFFIX : 'IOM Missing Migrants Project',
      ...(Object.keys(details).length > 0 ? { sourceDetails: details } : {}),
      ...(narrative ? { narrative } : {}),
      sharing: defaults.sharing,
    },
  };
}

/** The column that identifies a row: its id column, or "row" when the key is made from its fields. */
function keyColumn(cells: Record<string, string>): string {
  return columnOf(cells, 'id') ?? 'row';
}

/** What every layout needs: a date, the counts of dead and missing, and a point. */
function headerErrors(header: readonly string[]): FieldError[] {
  const has = new Set(header);
  const alternatives = (names: readonly string[]): string =>
    names.length === 1 ? '' : ` (or ${names.slice(1).map((name) => `"${name}"`).join(', or ')})`;
  const errors: FieldError[] = [];
  for (const field of ['date', 'dead', 'missing'] as const) {
    const names = FIELDS[field];
    if (!names.some((name) => has.has(name))) errors.push({ pointer: `/rows/1/${names[0]}`, detail: `the column "${names[0]}"${alternatives(names)} is missing` });
  }
  const single = FIELDS.coordinates.some((name) => has.has(name));
  const [latitude, longitude] = [has.has('Latitude'), has.has('Longitude')];
  if (!single && latitude !== longitude) {
    const [present, absent] = latitude ? ['Latitude', 'Longitude'] : ['Longitude', 'Latitude'];
    errors.push({ pointer: `/rows/1/${absent}`, detail: `the column "${absent}" is missing: "${present}" is half of a point` });
  } else if (!single && !latitude) {
    errors.push({
      pointer: `/rows/1/${FIELDS.coordinates[0]}`,
      detail: `the column "${FIELDS.coordinates[0]}" (or "${FIELDS.coordinates[1]}", or "Latitude" and "Longitude") is missing`,
    });
  }
  return errors;
}

/** The field a JSON pointer into the report input comes from. */
function fieldOf(pointer: string): Field | 'point' {
  const [, first = '', second = ''] = pointer.split('/');
  switch (first) {
    case 'when':
      return 'date';
    case 'where':
      return second === 'place' || second === 'namedCountry' ? 'place' : second === 'sourceRegion' ? 'region' : 'point';
    case 'people':
      return 'females';
    case 'outcomes':
      return second === 'missing' ? 'missing' : second === 'rescued' ? 'survivors' : 'dead';
    case 'source':
      return 'informationSource';
    case 'sourceDetails':
      return second === 'recordId' ? 'id' : second === 'quality' ? 'quality' : 'url';
    case 'narrative':
      return 'cause';
    default:
      return 'id';
  }
}

export const missingMigrants: ImportFormat = {
  name: 'missing-migrants',
  source: 'missing-migrants',
  columns: MMP_COLUMNS,
  // Checked by headerErrors, as most fields have had more than one name.
  required: [],
  // Later releases of the file add columns; what this adapter does not read does no harm.
  rejectUnknownColumns: false,
  headerErrors,
  mapRow,
  columnOf(pointer, cells) {
    const field = fieldOf(pointer);
    if (field === 'point') return columnOf(cells, 'coordinates') ?? 'Latitude';
    return columnOf(cells, field) ?? (field === 'id' ? 'row' : FIELDS[field][0]);
  },
  keyColumn,
};
