import { useState, type InputHTMLAttributes } from 'react';
import { useT } from '../i18n/index.js';

/**
 * A password input with a show/hide button beside it (ASVS 2.1.12). The button is a toggle
 * (`aria-pressed`) whose name, its visible text, stays "Show password" (a toggle's name does not
 * change with its state). It comes after the input, so Tab reaches the input first and Enter in it
 * still submits the form; it is not a label, so the input keeps its one accessible name.
 */
export function PasswordInput(props: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { id: string }) {
  const t = useT();
  const [shown, setShown] = useState(false);
  return (
    <div className="password-input">
      <input {...props} type={shown ? 'text' : 'password'} spellCheck={false} autoCapitalize="off" />
      <button type="button" className="button-secondary button-small" aria-pressed={shown} aria-controls={props.id} onClick={() => setShown((now) => !now)}>
        {t('common.showPassword')}
      </button>
    </div>
  );
}
