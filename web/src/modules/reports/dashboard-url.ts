/**
 * The dashboard's view in its address, so a view can be shared and bookmarked: the exact layer's
 * filters (a parameter repeated for several values) and the release layer's table and interval.
 */
import { msg, type MessageId, type Translate } from '../../i18n/index.js';

export const MULTI = ['incidentType', 'country', 'citizenship', 'mode', 'origin', 'destination', 'route', 'member'] as const;
export const SINGLE = ['from', 'to', 'interval', 'split', 'zoom'] as const;
/** The release layer's own parameters (its interval is apart from the exact layer's). */
export const RELEASE_KEYS = ['table', 'releaseInterval'] as const;
export type Multi = (typeof MULTI)[number];
export type Single = (typeof SINGLE)[number];
/** The exact layer's filters: the chosen codes of each list, and the single values. */
export type Form = Record<Multi, string[]> & Record<Single, string>;

export const FILTER_LABEL: Readonly<Record<Multi | Single, MessageId>> = {
  incidentType: msg('dashboard.filters.incidentType'),
  country: msg('dashboard.filters.country'),
  citizenship: msg('dashboard.filters.citizenship'),
  mode: msg('dashboard.filters.mode'),
  origin: msg('dashboard.filters.origin'),
  destination: msg('dashboard.filters.destination'),
  route: msg('dashboard.filters.route'),
  member: msg('dashboard.filters.member'),
  from: msg('dashboard.filters.from'),
  to: msg('dashboard.filters.to'),
  interval: msg('dashboard.filters.interval'),
  split: msg('dashboard.filters.split'),
  zoom: msg('dashboard.filters.zoom'),
};

/** A route leg as the filter takes it (the server's ROUTE_LEG_PATTERN). */
export const ROUTE_LEG = /^[A-Z]{3}>[A-Z]{3}$/;

/** A typed route: capitals, arrows and dashes read as '>', spaces dropped; or the message saying the shape expected. */
export function routeOf(text: string): { value: string } | { error: MessageId } {
  const value = text.toUpperCase().replace(/\s+/g, '').replace(/→|->|–|-/g, '>');
  return ROUTE_LEG.test(value) ? { value } : { error: msg('dashboard.filters.routeShape') };
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
export function filterSummary(t: Translate, form: Form, labelOf: (key: Multi, code: string) => string, periodName: string | undefined): string {
  const parts: string[] = [];
  if (periodName) parts.push(periodName);
  else if (form.from || form.to) parts.push(t('dashboard.filters.days', { date: form.from || t('dashboard.filters.beginning'), key: form.to || t('dashboard.filters.today') }));
  else parts.push(t('dashboard.filters.anyTime'));
  for (const key of MULTI) {
    const chosen = form[key];
    if (chosen.length === 0) continue;
    const names = t.list(chosen.slice(0, 3).map((code) => labelOf(key, code)));
    const shown = chosen.length > 3 ? t('dashboard.filters.andMore', { names, count: chosen.length - 3 }) : names;
    parts.push(t('dashboard.filters.chosen', { name: t(FILTER_LABEL[key]), names: shown }));
  }
  if (parts.length === 1) parts.push(t('dashboard.filters.everything'));
  return parts.join(' · ');
}
