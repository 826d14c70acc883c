import { useId, useState } from 'react';
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
          <label htmlFor={filterId}>Filter {legend.toLowerCase()}</label>
          <input id={filterId} type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
      ) : null}
      <p className="hint" aria-live="polite">
        {chosen.length === 0 ? 'None chosen.' : `Chosen: ${chosen.map((item) => item.name).join(', ')}`}
      </p>
      <div className="picker-list">
        {shown.map((item) => (
          <label key={item.code} className="check">
            <input type="checkbox" checked={value.includes(item.code)} onChange={(event) => toggle(item.code, event.target.checked)} />
            {item.name} <span className="muted">({item.code})</span>
          </label>
        ))}
        {shown.length === 0 ? <p className="muted">Nothing matches.</p> : null}
      </div>
    </Fieldset>
  );
}
