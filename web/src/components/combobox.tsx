import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n/index.js';
import { matchingOptions, movedIndex, toggled, type ComboboxOption } from './combobox-logic.js';

export type { ComboboxOption };

interface Props {
  label: string;
  options: readonly ComboboxOption[];
  value: readonly string[];
  onChange: (values: string[]) => void;
  hint?: string | undefined;
  error?: string | undefined;
  /** Values typed rather than chosen (routes): the value to add, or the sentence saying why the text is not one. */
  custom?: (text: string) => { value: string } | { error: string };
}

/**
 * A searchable multi-select combobox with chips (the ARIA 1.2 combobox and listbox pattern): type to
 * filter, Up and Down to move, Enter to pick (or take back), Backspace in the empty box removes the
 * last chip, Escape closes; each chip has a remove button named after it.
 */
export function MultiCombobox({ label, options, value, onChange, hint, error, custom }: Props) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [typedError, setTypedError] = useState<string>();
  const shown = matchingOptions(options, query);
  const optionOf = (code: string): ComboboxOption => options.find((option) => option.value === code) ?? { value: code, label: code, data: true };
  const listId = `${id}-list`;
  const optionId = (index: number): string => `${id}-option-${index}`;
  const problem = typedError ?? error;
  const describedBy = [hint ? `${id}-hint` : null, problem ? `${id}-error` : null, `${id}-status`].filter(Boolean).join(' ');

  const pick = (code: string): void => {
    onChange(toggled(value, code));
    setQuery('');
    setActive(-1);
    setTypedError(undefined);
  };
  const remove = (code: string): void => {
    onChange(value.filter((chosen) => chosen !== code));
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        setOpen(true);
        setActive(movedIndex(open ? active : -1, event.key === 'ArrowDown' ? 1 : -1, shown.length));
        return;
      }
      case 'Enter': {
        const option = open ? shown[active] : undefined;
        if (option) {
          event.preventDefault();
          pick(option.value);
        } else if (custom && query.trim()) {
          event.preventDefault();
          const typed = custom(query.trim());
          if ('value' in typed) pick(typed.value);
          else setTypedError(typed.error);
        }
        return;
      }
      case 'Backspace': {
        const last = value[value.length - 1];
        if (query === '' && last !== undefined) {
          event.preventDefault();
          onChange(value.slice(0, -1));
        }
        return;
      }
      case 'Escape': {
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (query) {
          event.preventDefault();
          setQuery('');
        }
        return;
      }
      default:
        return;
    }
  };

  const expanded = open && shown.length > 0;
  return (
    <div className={`field combobox${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={`${id}-input`} id={`${id}-label`}>
        {label}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="combobox-box">
        {value.length > 0 ? (
          <ul className="chips" aria-label={t('combobox.chosen', { name: label })}>
            {value.map((code) => {
              const option = optionOf(code);
              return (
                <li key={code} className="chip">
                  <span translate={option.data ? 'no' : undefined}>{option.label}</span>
                  {/* The button's name holds the label, data or not: a screen reader reads it as it is. */}
                  <button type="button" aria-label={t('combobox.remove', { name: option.label })} onClick={() => remove(code)}>
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
        <input
          ref={input}
          id={`${id}-input`}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={describedBy}
          aria-invalid={problem ? true : undefined}
          placeholder={value.length > 0 ? '' : t('filter.any')}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setOpen(true);
            setTypedError(undefined);
            setActive(event.target.value.trim() ? 0 : -1);
          }}
          onKeyDown={onKeyDown}
          onClick={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setActive(-1);
          }}
        />
      </div>
      <ul id={listId} role="listbox" aria-multiselectable="true" aria-labelledby={`${id}-label`} className="combobox-list" hidden={!expanded}>
        {shown.map((option, index) => (
          <li
            key={option.value}
            id={optionId(index)}
            role="option"
            aria-selected={value.includes(option.value)}
            className={index === active ? 'active' : undefined}
            // Keeps the focus in the box, so picking with the mouse leaves the list open for the next one.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => pick(option.value)}
            translate={option.data ? 'no' : undefined}
          >
            {option.label}
          </li>
        ))}
      </ul>
      <p className="visually-hidden" id={`${id}-status`} aria-live="polite">
        {open && query ? t('combobox.matches', { count: shown.length }) : t('combobox.chosenCount', { count: value.length })}
      </p>
      {problem ? (
        <p className="field-error" id={`${id}-error`}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}
