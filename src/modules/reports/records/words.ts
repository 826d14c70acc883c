import { countryName } from '../../../platform/geo/countries.js';
import { INCIDENT_TYPES } from '../codes.js';
import type { ReportRow } from './row.js';

/** What a report is about, in words a person reads: its incident type's label and its place (never codes). */
export function reportInWords(row: Pick<ReportRow, 'incident_type' | 'country' | 'sea_area' | 'source_region'>): string {
  const type = (INCIDENT_TYPES.labels as Record<string, string>)[row.incident_type] ?? row.incident_type;
  const place = row.country ? countryName(row.country) : (row.sea_area ?? row.source_region ?? 'at sea');
  return `${type}, ${place}`;
}
