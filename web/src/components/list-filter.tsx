import { useCallback, useEffect, useState, type ReactNode, type SubmitEvent } from 'react';
import { query, type ApiError } from '../api.js';
import { Link, navigate, useLocation } from '../router.js';
import { usePaged, type Paged } from '../hooks.js';
import { useT, type MessageId } from '../i18n/index.js';
import { ErrorAlert, Field, ListStatus, MoreButton } from './ui.js';

/**
 * The filters of a list page. They live in the address, so a view can be bookmarked and shared:
 * `useListFilter` reads them from it (what the list shows) and keeps a draft for the form;
 * `<ListFilter>` is the form, whose submit puts the draft in the address.
 */

export type Filters<K extends string> = Record<K, string>;

export interface ListFilterState<K extends string> {
  keys: readonly K[];
  /** The filters in the address: what the list shows. */
  applied: Filters<K>;
  /** The filters in the form, not yet applied. */
  draft: Filters<K>;
  set: (key: K, value: string) => void;
  /** Puts the draft, trimmed, in the address. */
  apply: () => void;
  /** Whether any filter is applied. */
  filtered: boolean;
  /** The page's address without filters. */
  path: string;
}

function filtersOf<K extends string>(keys: readonly K[], search: URLSearchParams): Filters<K> {
  return Object.fromEntries(keys.map((key) => [key, search.get(key) ?? ''])) as Filters<K>;
}

export function useListFilter<K extends string>(keys: readonly K[]): ListFilterState<K> {
  const location = useLocation();
  const applied = filtersOf(keys, location.search);
  const appliedKey = query(applied);
  const [draft, setDraft] = useState<Filters<K>>(applied);

  // A new address (a link with a filter, back, clear) puts its filters in the form.
  const names = keys.join('&');
  useEffect(() => setDraft(filtersOf(names.split('&') as K[], new URLSearchParams(appliedKey))), [names, appliedKey]);

  const set = useCallback((key: K, value: string) => setDraft((current) => ({ ...current, [key]: value })), []);
  const apply = (): void => navigate(`${location.path}${query(Object.fromEntries(keys.map((key) => [key, draft[key].trim()])))}`);
  return { keys, applied, draft, set, apply, filtered: keys.some((key) => applied[key]), path: location.path };
}

export interface FilterOption {
  value: string;
  label: string;
  /** The label is data (a member's name), not words of the app: marked so translators and the pseudo-locale test leave it. */
  data?: boolean;
}

/** A filter of the form: a list to pick one from ("Any" first), a date, a text, or a check box (set: "true"). */
export type FilterField<K extends string> =
  | { kind: 'select'; key: K; label: string; options: readonly FilterOption[] }
  | { kind: 'date'; key: K; label: string }
  | { kind: 'text'; key: K; label: string; hint?: string; placeholder?: string; spellCheck?: boolean }
  | { kind: 'check'; key: K; label: string };

interface Props<K extends string> {
  /** The form's accessible name. */
  label: string;
  filter: ListFilterState<K>;
  fields: readonly FilterField<K>[];
  /** A search box above the filters, with its own button (the form then has no Apply button). */
  search?: { key: K; label: string; hint?: string };
  /** The list's error: a filter the server refused is marked at its field, anything else in the alert below the form. */
  error: ApiError | undefined;
}

function FilterControl<K extends string>({ field, filter, error }: { field: FilterField<K>; filter: ListFilterState<K>; error: ApiError | undefined }) {
  const value = filter.draft[field.key];
  const set = (next: string): void => filter.set(field.key, next);
  const fieldError = error?.fieldError(`/${field.key}`);
  const t = useT();
  switch (field.kind) {
    case 'select':
      return (
        <Field label={field.label} error={fieldError}>
          {(props) => (
            <select {...props} value={value} onChange={(event) => set(event.target.value)}>
              <option value="">{t('filter.any')}</option>
              {field.options.map((option) => (
                <option key={option.value} value={option.value} translate={option.data ? 'no' : undefined}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case 'date':
      return (
        <Field label={field.label} error={fieldError}>
          {(props) => <input {...props} type="date" value={value} onChange={(event) => set(event.target.value)} />}
        </Field>
      );
    case 'text':
      return (
        <Field label={field.label} hint={field.hint} error={fieldError}>
          {(props) => <input {...props} value={value} placeholder={field.placeholder} spellCheck={field.spellCheck} onChange={(event) => set(event.target.value)} />}
        </Field>
      );
    case 'check':
      return (
        <label className="check">
          <input type="checkbox" checked={value === 'true'} onChange={(event) => set(event.target.checked ? 'true' : '')} /> {field.label}
        </label>
      );
  }
}

/** The filter form of a list page, and below it the list's error that no field shows. */
export function ListFilter<K extends string>({ label, filter, fields, search, error }: Props<K>) {
  const t = useT();
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    filter.apply();
  };
  const clear = filter.filtered ? <Link to={filter.path}>{search ? t('filter.clearSearchAndFilters') : t('filter.clearFilters')}</Link> : null;
  return (
    <>
      <form role="search" aria-label={label} onSubmit={submit} className="search-form" noValidate>
        {search ? (
          <div className="search-main">
            <Field label={search.label} hint={search.hint} error={error?.fieldError(`/${search.key}`)}>
              {(props) => <input {...props} type="search" name={search.key} value={filter.draft[search.key]} onChange={(event) => filter.set(search.key, event.target.value)} />}
            </Field>
            <button type="submit" className="button-primary">
              {t('filter.search')}
            </button>
          </div>
        ) : null}
        <div className="filters">
          {fields.map((field) => (
            <FilterControl key={field.key} field={field} filter={filter} error={error} />
          ))}
        </div>
        {search ? (
          clear ? <p>{clear}</p> : null
        ) : (
          <div className="form-actions">
            <button type="submit" className="button-primary">
              {t('filter.apply')}
            </button>
            {clear}
          </div>
        )}
      </form>
      <ErrorAlert error={error} shown={filter.keys.map((key) => `/${key}`)} />
    </>
  );
}

/** A filtered, paged list: its filters from the address and its pages of `path` with them applied. */
export function useFilteredList<T, K extends string>(path: string, keys: readonly K[], limit = 25): { filter: ListFilterState<K>; paged: Paged<T> } {
  const filter = useListFilter(keys);
  const paged = usePaged<T>(`${path}${query({ ...filter.applied, limit })}`);
  return { filter, paged };
}

/**
 * A list page's body: its filter form, what the list holds (loading, none, none matching, how many),
 * the items (`children`, only when there are some) and the button for more.
 */
export function FilteredList<T, K extends string>({ label, filter, paged, fields, messages, children }: {
  label: string;
  filter: ListFilterState<K>;
  paged: Paged<T>;
  fields: readonly FilterField<K>[];
  messages: { empty: MessageId; noMatch: MessageId; count: MessageId };
  children: (items: readonly T[]) => ReactNode;
}) {
  return (
    <>
      <ListFilter label={label} filter={filter} error={paged.error} fields={fields} />
      <ListStatus paged={paged} filtered={filter.filtered} empty={messages.empty} noMatch={messages.noMatch} count={messages.count} />
      {paged.items.length > 0 ? children(paged.items) : null}
      <MoreButton paged={paged} />
    </>
  );
}
