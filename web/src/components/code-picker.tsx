import { useId, useState } from 'react';
import { useT } from '../i18n/index.js';
import { Fieldset } from './ui.js';

export interface PickerItem {
  code: string;
  name: string;
}

interface Props {
  legend: string;
  items: readonly PickerItem[];
  value: readonly string[];
  onChange: (codes: string[]) => void;
  error?: string | undefined;
  hint?: string;
}

/** Checkboxes for choosing members or groups, with a filter box when the list is long. */
export function CodePicker({ legend, items, value, onChange, error, hint }: Props) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const filterId = useId();
  const needle = filter.trim().toLowerCase();
  const shown = needle ? items.filter((item) => `${item.code} ${item.name}`.toLowerCase().includes(needle)) : items;
  const toggle = (code: string, on: boolean): void => onChange(on ? [...value, code] : value.filter((item) => item !== code));
  const chosen = items.filter((item) => value.includes(item.code));

  return (
    <Fieldset legend={legend} error={error} hint={hint} className="picker">
      {items.length > 8 ? (
        <div className="picker-filter">
          <label htmlFor={filterId}>{t('picker.filter', { legend: legend.toLocaleLowerCase() })}</label>
          <input id={filterId} type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
      ) : null}
      <p className="hint" aria-live="polite">
        {chosen.length === 0 ? t('picker.noneChosen') : t.rich('picker.chosen', { names: <span translate="no">{t.list(chosen.map((item) => item.name))}</span> })}
      </p>
      <div className="picker-list">
        {shown.map((item) => (
          <label key={item.code} className="check">
            <input type="checkbox" checked={value.includes(item.code)} onChange={(event) => toggle(item.code, event.target.checked)} />
            <span translate="no">{item.name}</span> <span className="muted">(<code>{item.code}</code>)</span>
          </label>
        ))}
        {shown.length === 0 ? <p className="muted">{t('picker.nothingMatches')}</p> : null}
      </div>
    </Fieldset>
  );
}
