import { createHash } from 'node:crypto';
import type { FieldError } from '../../../../platform/errors.js';
import { locate } from '../../../../platform/geo/locate.js';
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
 * - where: the point of "Location Coordinates" or "Coordinates" ("lat, lon"), or of the Latitude and
 *   Longitude columns; place = Location Description. The country is the one the point lies in
 *   (Natural Earth 1:50m); a point in no country is at sea (place kind at-sea) and takes the country
 *   whose coast is nearest within 250 km; farther out the row is rejected, as is a row without a point.
 * - people: one group of unknown citizenship (XXX). MMP counts females and males including the
 *   children among them, and children without their sex, so the three overlap. With no children
 *   counted, females are adult women and males adult men. With children counted, age or sex is
 *   unknown for everyone (the children's sex, the others' age), so all go to unknownSexOrAge, as
 *   max(females + males, children): the children are assumed to be among the females and males
 *   where they can be, so no one is counted twice.
 * - source: Information Source, then "(IOM Missing Migrants Project)", in the 300 characters a
 *   report's source holds. The rest of the source is kept in `sourceDetails`: the record's own id,
 *   its Region of Incident (Region in some layouts), URL, and Source Quality as "n/5". Source Quality
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
  const located = point ? locate(point.latitude, point.longitude, MAX_SEA_DISTANCE_KM) : undefined;
  if (point && !located) {
    errors.push({ column: point.column, message: `the point is at sea more than ${MAX_SEA_DISTANCE_KM} km from any country, so the report cannot be given one` });
  }
  if (!defaults.sharing) errors.push({ column: keyColumn(cells), message: 'the file carries no sharing; give a default sharing in the import options' });
  if (errors.length > 0 || !point || !located || !defaults.sharing) return { errors, dates: row.dates };
  const place = row.text('place');
  const outcomes = { ...(dead !== undefined ? { dead } : {}), ...(missing !== undefined ? { missing } : {}), ...(rescued !== undefined ? { rescued } : {}) };
  const group = people(females, males, children);
  const narrative = row.text('cause');
  const id = row.text('id');
  const quality = row.text('quality');
  const url = row.text('url');
  const region = row.text('region');
  const details = {
    ...(id ? { recordId: shorten(id, 200) } : {}),
    ...(region ? { region: shorten(region, 120) } : {}),
    ...(url ? { url: links(url, 2000) } : {}),
    ...(quality ? { quality: /^[1-5]$/.test(quality) ? `${quality}/5` : shorten(quality, 40) } : {}),
  };
  const informationSource = row.text('informationSource');
  const key = id ?? rowKey({ date: from, latitude: point.latitude, longitude: point.longitude, counts: [dead, missing, rescued, females, males, children], place });
  return {
    key,
    ...(id ? {} : { keyFrom: KEY_FROM }),
    dates: row.dates,
    input: {
      ...(from ? { when: { from } } : {}),
      where: {
        country: located.country,
        ...(place ? { place: shorten(place, 200) } : {}),
        latitude: point.latitude,
        longitude: point.longitude,
        ...(located.onLand ? {} : { kind: 'at-sea' }),
      },
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
      return second === 'place' ? 'place' : 'point';
    case 'people':
      return 'females';
    case 'outcomes':
      return second === 'missing' ? 'missing' : second === 'rescued' ? 'survivors' : 'dead';
    case 'source':
      return 'informationSource';
    case 'sourceDetails':
      return second === 'recordId' ? 'id' : second === 'region' ? 'region' : second === 'quality' ? 'quality' : 'url';
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
