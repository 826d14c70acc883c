import { countryName } from '../../../../platform/geo/countries.js';
import { locate } from '../../../../platform/geo/locate.js';
import { countriesNamedIn } from '../../../../platform/geo/named-country.js';
import type { SharingInput } from '../../../../platform/sharing/model.js';
import { CellError, readCount, readText } from './cells.js';
import type { ImportFormat, MappedRow, RowError } from './format.js';

/**
 * The IOM Missing Migrants Project's incident file (cite as "IOM Missing Migrants Project"), one
 * incident per row, imported as reports of deaths and disappearances in transit:
 *
 * - key: Web ID. when: Reported Date ("December 30, 2019"). outcomes: dead = Number Dead,
 *   missing = Minimum Estimated Number of Missing, rescued = Number of Survivors.
 * - where (`placeOf`): the point of "Location Coordinates" ("lat, lon"); place = Location
 *   Description; sourceRegion = Region of Incident. The country is the one the point lies in
 *   (Natural Earth 1:10m); a point in no country is at sea (place kind at-sea) and takes the country
 *   whose coast is nearest within 250 km; farther out it has no country, and its sea area is the
 *   source's region (no marine-regions boundary set is published on the npm registry to name it
 *   from the point). Where the description names countries and the point's is not among them, the
 *   named one is kept as namedCountry and the row gets a warning. A row without coordinates is rejected.
 * - people: one group of unknown citizenship (XXX). MMP counts females and males including the
 *   children among them, and children without their sex, so the three overlap. With no children
 *   counted, females are adult women and males adult men. With children counted, age or sex is
 *   unknown for everyone (the children's sex, the others' age), so all go to unknownSexOrAge, as
 *   max(females + males, children): the children are assumed to be among the females and males
 *   where they can be, so no one is counted twice.
 * - source: Information Source and URL, then "(IOM Missing Migrants Project; source quality n/5)",
 *   shortened to the 300 characters a report's source holds (links are cut before the name).
 *   Source Quality is kept in that text rather than mapped to the evaluation: its 1–5 scale grades
 *   how many and which sources confirmed the incident, and has no faithful mapping onto the
 *   A–C/X and 1–4 grades a member assigns itself.
 * - narrative: Cause of Death (checked like every narrative: a row naming someone is rejected).
 * - sharing: the import's default; the file carries none.
 */

const MMP_COLUMNS = [
  'Web ID', 'Region of Incident', 'Reported Date', 'Reported Year', 'Reported Month', 'Number Dead', 'Minimum Estimated Number of Missing',
  'Total Dead and Missing', 'Number of Survivors', 'Number of Females', 'Number of Males', 'Number of Children', 'Cause of Death',
  'Location Description', 'Information Source', 'Location Coordinates', 'Migration Route', 'URL', 'UNSD Geographical Grouping', 'Source Quality',
] as const;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MAX_SEA_DISTANCE_KM = 250;

function readReportedDate(text: string): string {
  const value = text.trim();
  const match = /^([A-Za-z]+)\.? (\d{1,2}), (\d{4})$/.exec(value);
  const month = match ? MONTHS.findIndex((name) => name.startsWith((match[1] ?? '').toLowerCase()) && (match[1] ?? '').length >= 3) : -1;
  if (!match || month < 0) throw new CellError(`must be a date like "December 30, 2019" (${value.slice(0, 30) || 'empty'})`);
  const day = Number(match[2]);
  const date = new Date(Date.UTC(Number(match[3]), month, day));
  if (date.getUTCDate() !== day) throw new CellError(`is not a real date (${value})`);
  return date.toISOString().slice(0, 10);
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

const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

function source(cells: Record<string, string>): string {
  const quality = (cells['Source Quality'] ?? '').trim();
  const suffix = ` (IOM Missing Migrants Project${/^[1-5]$/.test(quality) ? `; source quality ${quality}/5` : ''})`;
  const body = [readText(cells['Information Source'] ?? ''), readText(cells.URL ?? '')].filter(Boolean).join(' ');
  return shorten(body, 300 - suffix.length) + suffix;
}

function people(females: number | undefined, males: number | undefined, children: number | undefined): Record<string, unknown>[] {
  const f = females ?? 0;
  const m = males ?? 0;
  const c = children ?? 0;
  if (f + m + c === 0) return [];
  if (c === 0) return [{ citizenship: 'XXX', ...(f > 0 ? { adultWomen: f } : {}), ...(m > 0 ? { adultMen: m } : {}) }];
  return [{ citizenship: 'XXX', unknownSexOrAge: Math.max(f + m, c) }];
}

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
): { where: Record<string, unknown>; warnings: RowError[] } | { error: RowError } {
  const located = locate(point.latitude, point.longitude, MAX_SEA_DISTANCE_KM);
  if (!located && text.region === '') {
    return { error: { column: 'Location Coordinates', message: `the point is at sea more than ${MAX_SEA_DISTANCE_KM} km from any country and the row has no Region of Incident to name its sea area` } };
  }
  const named = countriesNamedIn(text.description);
  const warnings: RowError[] = [];
  let namedCountry: string | undefined;
  if (named.main && !(located && named.all.includes(located.country))) {
    namedCountry = named.main;
    if (located) {
      const where = located.onLand ? `lies in ${label(located.country)}` : `is at sea ${located.distanceKm} km off ${label(located.country)}`;
      warnings.push({ column: 'Location Description', message: `names ${label(named.main)}, but the point ${where}; the report keeps ${located.country} and notes ${named.main} as the named country` });
    } else {
      const swapped = Math.abs(point.longitude) <= 90 ? locate(point.longitude, point.latitude, 0) : undefined;
      if (swapped?.onLand && swapped.country === named.main) {
        warnings.push({ column: 'Location Coordinates', message: `the point is far at sea, but with latitude and longitude swapped it would be in ${label(named.main)}, which the description names: check the coordinates` });
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

function mapRow(cells: Record<string, string>, defaults: { sharing: SharingInput | undefined }): MappedRow {
  const errors: RowError[] = [];
  const cell = <T>(column: string, read: (text: string) => T): T | undefined => {
    try {
      return read(cells[column] ?? '');
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ column, message: error.message });
      return undefined;
    }
  };
  const key = (cells['Web ID'] ?? '').trim();
  if (key === '') errors.push({ column: 'Web ID', message: 'is required: it keeps a second import of the row from making a second report' });
  const from = cell('Reported Date', readReportedDate);
  const dead = cell('Number Dead', readCount);
  const missing = cell('Minimum Estimated Number of Missing', readCount);
  const rescued = cell('Number of Survivors', readCount);
  const females = cell('Number of Females', readCount);
  const males = cell('Number of Males', readCount);
  const children = cell('Number of Children', readCount);
  const point = cell('Location Coordinates', readCoordinates);
  const place = point ? placeOf(point, { description: readText(cells['Location Description'] ?? '') ?? '', region: readText(cells['Region of Incident'] ?? '') ?? '' }) : undefined;
  if (place && 'error' in place) errors.push(place.error);
  if (!defaults.sharing) errors.push({ column: 'Web ID', message: 'the file carries no sharing; give a default sharing in the import options' });
  if (errors.length > 0 || !place || 'error' in place || !defaults.sharing) return { errors };
  const outcomes = { ...(dead !== undefined ? { dead } : {}), ...(missing !== undefined ? { missing } : {}), ...(rescued !== undefined ? { rescued } : {}) };
  const group = people(females, males, children);
  const narrative = readText(cells['Cause of Death'] ?? '');
  return {
    key,
    input: {
      ...(from ? { when: { from } } : {}),
      where: place.where,
      incidentType: 'death-or-disappearance',
      ...(group.length > 0 ? { people: group } : {}),
      ...(Object.keys(outcomes).length > 0 ? { outcomes } : {}),
      source: source(cells),
      ...(narrative ? { narrative } : {}),
      sharing: defaults.sharing,
    },
    ...(place.warnings.length > 0 ? { warnings: place.warnings } : {}),
  };
}

const POINTER_COLUMNS: Record<string, string> = {
  when: 'Reported Date',
  where: 'Location Coordinates',
  people: 'Number of Females',
  source: 'Information Source',
  narrative: 'Cause of Death',
  incidentType: 'Web ID',
  sharing: 'Web ID',
};
const OUTCOME_COLUMNS: Record<string, string> = { dead: 'Number Dead', missing: 'Minimum Estimated Number of Missing', rescued: 'Number of Survivors' };

export const missingMigrants: ImportFormat = {
  name: 'missing-migrants',
  source: 'missing-migrants',
  columns: MMP_COLUMNS,
  required: ['Web ID', 'Reported Date', 'Number Dead', 'Minimum Estimated Number of Missing', 'Location Coordinates'],
  // Later releases of the file add columns; what this adapter does not read does no harm.
  rejectUnknownColumns: false,
  mapRow,
  columnOf(pointer) {
    const [, first = '', second = ''] = pointer.split('/');
    if (first === 'where' && (second === 'place' || second === 'namedCountry')) return 'Location Description';
    if (first === 'where' && second === 'sourceRegion') return 'Region of Incident';
    if (first === 'outcomes') return OUTCOME_COLUMNS[second] ?? 'Number Dead';
    return POINTER_COLUMNS[first] ?? 'Web ID';
  },
};
