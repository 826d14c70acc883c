/**
 * The dashboard's view in its address, so a view can be shared and bookmarked: the exact layer's
 * filters (a parameter repeated for several values) and the release layer's table and interval.
 */

export const MULTI = ['incidentType', 'country', 'citizenship', 'mode', 'origin', 'destination', 'route', 'member'] as const;
export const SINGLE = ['from', 'to', 'interval', 'split', 'zoom'] as const;
/** The release layer's own parameters (its interval is apart from the exact layer's). */
export const RELEASE_KEYS = ['table', 'releaseInterval'] as const;
export type Multi = (typeof MULTI)[number];
export type Single = (typeof SINGLE)[number];
/** The exact layer's filters: the chosen codes of each list, and the single values. */
export type Form = Record<Multi, string[]> & Record<Single, string>;

export const FILTER_LABELS: Record<Multi | Single, string> = {
  incidentType: 'Incident types', country: 'Countries of incident', citizenship: 'Citizenships', mode: 'Transport modes', origin: 'Origins',
  destination: 'Destinations', route: 'Routes', member: 'Reporting members', from: 'From', to: 'To', interval: 'Interval', split: 'Split by',
  zoom: 'Map detail (0–8)',
};

/** A route leg as the filter takes it (the server's ROUTE_LEG_PATTERN). */
export const ROUTE_LEG = /^[A-Z]{3}>[A-Z]{3}$/;
export const ROUTE_SHAPE = "A route is two ISO 3166-1 alpha-3 country codes joined by '>', such as MMR>THA.";

/** A typed route: capitals, arrows and dashes read as '>', spaces dropped. */
export function routeOf(text: string): { value: string } | { error: string } {
  const value = text.toUpperCase().replace(/\s+/g, '').replace(/→|->|–|-/g, '>');
  return ROUTE_LEG.test(value) ? { value } : { error: ROUTE_SHAPE };
}

export function formOf(search: URLSearchParams): Form {
  const form = {} as Form;
  for (const key of MULTI) form[key] = [...new Set(search.getAll(key).map((value) => value.trim()).filter(Boolean))];
  for (const key of SINGLE) form[key] = (search.get(key) ?? '').trim();
  return form;
}

/** The filters as parameters, in a fixed order, empty ones left out. */
export function searchOf(form: Form): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of MULTI) for (const value of form[key]) if (value.trim()) search.append(key, value.trim());
  for (const key of SINGLE) if (form[key].trim()) search.set(key, form[key].trim());
  return search;
}

/** The address with one layer's parameters replaced and the other layer's kept. */
export function dashboardHref(current: URLSearchParams, owned: readonly string[], next: URLSearchParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of current) if (!owned.includes(key) && key !== 'layer') search.append(key, value);
  for (const [key, value] of next) search.append(key, value);
  const text = search.toString();
  return `/reports/dashboard${text ? `?${text}` : ''}`;
}

/** The active filters in one line, for the folded filter bar. */
export function filterSummary(form: Form, labelOf: (key: Multi, code: string) => string, periodName: string | undefined): string {
  const parts: string[] = [];
  if (periodName) parts.push(periodName);
  else if (form.from || form.to) parts.push(`${form.from || 'the beginning'} to ${form.to || 'today'}`);
  else parts.push('Any time');
  for (const key of MULTI) {
    const chosen = form[key];
    if (chosen.length === 0) continue;
    const names = chosen.slice(0, 3).map((code) => labelOf(key, code));
    parts.push(`${FILTER_LABELS[key]}: ${names.join(', ')}${chosen.length > 3 ? ` and ${chosen.length - 3} more` : ''}`);
  }
  if (parts.length === 1) parts.push('all the reports you may see');
  return parts.join(' · ');
}
