import { useEffect, useId, useState, type SubmitEvent } from 'react';
import { MultiCombobox, type ComboboxOption } from '../../components/combobox.js';
import { Field } from '../../components/ui.js';
import type { ApiError } from '../../api.js';
import { filterSummary, FILTER_LABEL, formOf, routeOf, searchOf, type Form, type Multi } from './dashboard-url.js';
import { SPLIT_LABEL } from './dashboard-tables.js';
import { INTERVALS, SPLITS, type Interval } from './reports-dashboard-data.js';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';

export const INTERVAL_LABEL: Readonly<Record<Interval, MessageId>> = { month: msg('dashboard.interval.month'), quarter: msg('dashboard.interval.quarter'), year: msg('dashboard.interval.year') };
const ORDER = ['incidentType', 'mode', 'citizenship', 'origin', 'destination', 'route', 'country', 'member'] as const satisfies readonly Multi[];

const today = (): string => new Date().toISOString().slice(0, 10);

/** Period presets: every year since the reporting system began, and the last 12 months. */
function periods(t: Translate): { label: string; from: string; to: string }[] {
  const year = new Date().getUTCFullYear();
  const ago = new Date();
  ago.setUTCFullYear(ago.getUTCFullYear() - 1);
  const list = [{ label: t('dashboard.filters.last12Months'), from: ago.toISOString().slice(0, 10), to: today() }];
  for (let y = year; y >= 2013; y--) list.push({ label: String(y), from: `${y}-01-01`, to: `${y}-12-31` });
  return list;
}

interface Props {
  /** The filters in the address, which the figures below were made with. */
  applied: Form;
  options: Record<Multi, ComboboxOption[]>;
  error: ApiError | undefined;
  onApply: (form: Form) => void;
}

/**
 * The exact layer's filters in a bar that folds to one line saying which are on; unfolded, a
 * searchable combobox with chips for each list. Applying puts them in the address.
 */
export function FilterBar({ applied, options, error, onApply }: Props) {
  const t = useT();
  const appliedKey = searchOf(applied).toString();
  const [form, setForm] = useState<Form>(applied);
  const [open, setOpen] = useState(false);
  const panel = useId();
  // Back, forward or a shared link change the address: the draft follows it.
  useEffect(() => setForm(formOf(new URLSearchParams(appliedKey))), [appliedKey]);
  const invalid = (error?.errors.length ?? 0) > 0;
  useEffect(() => {
    if (invalid) setOpen(true);
  }, [invalid]);

  const labelOf = (key: Multi, code: string): string => options[key].find((option) => option.value === code)?.label ?? code;
  const presets = periods(t);
  const period = presets.find((p) => p.from === form.from && p.to === form.to);
  const appliedPeriod = presets.find((p) => p.from === applied.from && p.to === applied.to);
  const typedRoute = (text: string): { value: string } | { error: string } => {
    const typed = routeOf(text);
    return 'error' in typed ? { error: t(typed.error) } : typed;
  };
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    onApply(form);
  };
  return (
    <section className="filter-bar" aria-label={t('dashboard.filters.label')}>
      <div className="filter-summary">
        <button type="button" className="button-secondary" aria-expanded={open} aria-controls={panel} onClick={() => setOpen(!open)}>
          {open ? t('dashboard.filters.hide') : t('dashboard.filters.show')}
        </button>
        <p aria-live="polite">{filterSummary(t, applied, labelOf, appliedPeriod?.label)}</p>
      </div>
      <form id={panel} aria-label={t('dashboard.filters.show')} onSubmit={submit} noValidate hidden={!open}>
        <div className="filter-grid">
          <Field label={t('dashboard.filters.period')} hint={t('dashboard.filters.periodHint')}>
            {(props) => (
              <select
                {...props}
                value={period ? `${period.from}/${period.to}` : form.from || form.to ? 'custom' : ''}
                onChange={(event) => {
                  const [from = '', to = ''] = event.target.value === 'custom' ? [form.from, form.to] : event.target.value.split('/');
                  setForm({ ...form, from, to });
                }}
              >
                <option value="">{t('dashboard.filters.anyTime')}</option>
                {presets.map((p) => <option key={p.label} value={`${p.from}/${p.to}`}>{p.label}</option>)}
                {!period && (form.from || form.to) ? <option value="custom">{t('dashboard.filters.daysChosen')}</option> : null}
              </select>
            )}
          </Field>
          {(['from', 'to'] as const).map((key) => (
            <Field key={key} label={t(FILTER_LABEL[key])} error={error?.fieldError(`/${key}`)}>
              {(props) => <input {...props} type="date" value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />}
            </Field>
          ))}
          {ORDER.map((key) => (
            <MultiCombobox
              key={key}
              label={t(FILTER_LABEL[key])}
              options={options[key]}
              value={form[key]}
              onChange={(values) => setForm({ ...form, [key]: values })}
              error={error?.fieldError(`/${key}`)}
              {...(key === 'route' ? { custom: typedRoute, hint: t('dashboard.filters.routeHint') } : {})}
            />
          ))}
          <Field label={t(FILTER_LABEL.interval)}>
            {(props) => (
              <select {...props} value={form.interval || 'quarter'} onChange={(e) => setForm({ ...form, interval: e.target.value })}>
                {INTERVALS.map((value) => <option key={value} value={value}>{t(INTERVAL_LABEL[value])}</option>)}
              </select>
            )}
          </Field>
          <Field label={t(FILTER_LABEL.split)}>
            {(props) => (
              <select {...props} value={form.split || 'incidentType'} onChange={(e) => setForm({ ...form, split: e.target.value })}>
                {SPLITS.map((value) => <option key={value} value={value}>{t(SPLIT_LABEL[value])}</option>)}
              </select>
            )}
          </Field>
          <Field label={t(FILTER_LABEL.zoom)} error={error?.fieldError('/zoom')}>
            {(props) => <input {...props} type="number" min={0} max={8} value={form.zoom} onChange={(e) => setForm({ ...form, zoom: e.target.value })} />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary">
            {t('filter.apply')}
          </button>
          <button type="button" className="button-secondary" onClick={() => { const none = formOf(new URLSearchParams()); setForm(none); onApply(none); }}>
            {t('filter.clearFilters')}
          </button>
        </div>
      </form>
    </section>
  );
}
