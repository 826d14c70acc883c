import { useEffect, useId, useRef, type ReactNode } from 'react';
import { within, type ApiError } from '../api.js';
import type { Tlp } from '../platform.js';
import { useT, type MessageId } from '../i18n/index.js';
import { useIntl } from 'react-intl';

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: ControlProps) => ReactNode;
  className?: string;
}

/** A label, the control, a hint and the server's message for the field, wired for screen readers. */
export function Field({ label, hint, error, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  const control: ControlProps = { id };
  if (describedBy) control['aria-describedby'] = describedBy;
  if (error) control['aria-invalid'] = true;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children(control)}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A group of checkboxes or radios with a legend, and the server's message for the group. */
export function Fieldset({ legend, hint, error, children, className }: { legend: ReactNode; hint?: ReactNode; error?: string | undefined; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <fieldset className={`fieldset${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`} aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A JSON pointer in words: "/sharing/handlingNote" → "Sharing › handling note", "/tags/0" → "Tags › 1". */
export function pointerLabel(pointer: string): string {
  const words = pointer
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : part.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()))
    .join(' › ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The error of a request as a page alert: its detail, and the field messages that no field on
 * the page shows (pass the pointers the form shows next to its fields).
 */
export function ErrorAlert({ error, shown = [] }: { error: ApiError | undefined; shown?: readonly string[] }) {
  const alert = useRef<HTMLDivElement>(null);

  // In a form, take the user to the first field at fault (or to this alert), wherever they were.
  useEffect(() => {
    const form = alert.current?.closest('form');
    if (!error || !form || !alert.current) return;
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? alert.current).focus();
  }, [error]);

  const t = useT();
  if (!error) return null;
  const rest = error.errors.filter((item) => !shown.some((pointer) => within(item.pointer, pointer)));
  return (
    <div className="alert alert-error" role="alert" ref={alert} tabIndex={-1}>
      <p>
        {/* The server's words (problem+json), or the client's own, already translated. */}
        <strong translate="no">{error.detail || error.title}</strong>
      </p>
      {rest.length > 0 ? (
        <ul>
          {rest.map((item) => (
            <li key={`${item.pointer} ${item.detail}`}>
              {/* The field's name as the API spells it, in words: data, like the server's message after it. */}
              {pointerLabel(item.pointer) ? <strong translate="no">{pointerLabel(item.pointer)}: </strong> : null}
              {item.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {error.requestId && error.status >= 500 ? <p className="hint">{t.rich('ui.requestId', { id: <code>{error.requestId}</code> })}</p> : null}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

/** "Loading…" while a page's data comes; `what` says what is loading ("Loading users"). */
export function Loading({ what }: { what?: string }) {
  const t = useT();
  return (
    <p className="loading" role="status">
      {what === undefined ? t('ui.loading') : `${what}…`}
    </p>
  );
}

/** TLP 2.0 label: the words are always there; the colours follow FIRST's on a black ground. */
export function TlpBadge({ tlp }: { tlp: Tlp }) {
  const css = `tlp tlp-${tlp.toLowerCase().replace('+', '-')}`;
  return (
    <span className={css} translate="no">
      TLP:{tlp}
    </span>
  );
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE = { day: 'numeric', month: 'short', year: 'numeric' } as const;

/** A calendar date (YYYY-MM-DD, shown as is) or a time stamp (shown in local time), in the page's locale. */
export function DateText({ value, withTime = false }: { value: string | null; withTime?: boolean }) {
  const intl = useIntl();
  if (!value) return <span className="muted">—</span>;
  const day = DAY.test(value);
  const date = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return <time>{value}</time>;
  const text = day ? intl.formatDate(date, { ...DATE, timeZone: 'UTC' }) : intl.formatDate(date, withTime ? { ...DATE, hour: '2-digit', minute: '2-digit' } : DATE);
  return <time dateTime={value}>{text}</time>;
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1 tabIndex={-1}>{title}</h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

/** "More" under a paged list (`usePaged`): loads its next page, "Loading…" meanwhile; nothing when there is none. */
export function MoreButton({ paged }: { paged: { next: string | null; loading: 'first' | 'more' | null; more: () => void } }) {
  const t = useT();
  if (!paged.next) return null;
  return (
    <button type="button" className="button-secondary more" onClick={paged.more} disabled={paged.loading !== null}>
      {paged.loading === 'more' ? t('ui.loading') : t('common.more')}
    </button>
  );
}

/**
 * What a paged list holds, for screen readers and eyes: loading, none (or none matching the filter),
 * or how many so far ("25+" while more pages wait). `count` takes `{count}` and `{shown}`.
 */
export function ListStatus({ paged, filtered, empty, noMatch, count }: { paged: { items: readonly unknown[]; next: string | null; loading: 'first' | 'more' | null }; filtered: boolean; empty: MessageId; noMatch: MessageId; count: MessageId }) {
  const t = useT();
  const n = paged.items.length;
  return (
    <p className="muted" role="status">
      {paged.loading === 'first' ? t('ui.loading') : n === 0 ? t(filtered ? noMatch : empty) : t(count, { count: n, shown: `${t.number(n)}${paged.next ? '+' : ''}` })}
    </p>
  );
}

/**
 * A record's page before its record is there: loading, or its error under the page's title, which
 * says "not found" on a 404 (the same answer whether the record does not exist or may not be seen).
 */
export function RecordPending({ error, title, notFound, tabs }: { error: ApiError | undefined; title: string; notFound: string; tabs?: ReactNode }) {
  return (
    <>
      <PageHeader title={error?.status === 404 ? notFound : title} />
      {tabs}
      {error ? <ErrorAlert error={error} /> : <Loading />}
    </>
  );
}

/** A form's submit button and its Cancel link, with any other buttons before them. */
export function SubmitOrCancel({ submit, busy, onCancel, children }: { submit: string; busy: boolean; onCancel: () => void; children?: ReactNode }) {
  const t = useT();
  return (
    <div className="form-actions">
      {children}
      <button type="submit" className="button-primary" disabled={busy}>
        {submit}
      </button>
      <button type="button" className="button-link" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
