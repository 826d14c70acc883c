import type { ApiError } from '../../api.js';
import { Field, Fieldset } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import type { Direction } from './api.js';

interface Props {
  value: Direction[];
  /** The agreement's parties, the proposer first. */
  parties: readonly string[];
  names: ReadonlyMap<string, string>;
  onChange: (directions: Direction[]) => void;
  error: ApiError | undefined;
}

/** Who may search whose gallery: one row per searcher → holder pair, each side chosen among the parties. */
export function DirectionsEditor({ value, parties, names, onChange, error }: Props) {
  const t = useT();
  const set = (index: number, change: Partial<Direction>): void => onChange(value.map((row, at) => (at === index ? { ...row, ...change } : row)));
  const remove = (index: number): void => onChange(value.filter((_, at) => at !== index));
  const add = (): void => onChange([...value, { searcher: parties[0] ?? '', holder: '' }]);
  // A side chosen before its member was taken off the parties stays shown, so the server's answer names it.
  const choices = (current: string): string[] => (current && !parties.includes(current) ? [...parties, current] : [...parties]);
  const groupError = error?.errors.find((item) => item.pointer === '/directions')?.detail;

  return (
    <Fieldset legend={t('biometrics.agreement.directions')} hint={t('biometrics.form.directionsHint')} error={groupError} className="directions">
      <ol className="direction-rows">
        {value.map((row, index) => (
          <li key={index} className="direction-row">
            <Field label={t('biometrics.form.searcher', { n: index + 1 })} error={error?.fieldError(`/directions/${index}/searcher`)}>
              {(props) => (
                <select {...props} value={row.searcher} onChange={(event) => set(index, { searcher: event.target.value })}>
                  {choices(row.searcher).map((code) => (
                    <option key={code} value={code} translate="no">
                      {names.get(code) ?? code}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <span className="direction-arrow" aria-hidden="true">
              →
            </span>
            <Field label={t('biometrics.form.holder', { n: index + 1 })} error={error?.fieldError(`/directions/${index}/holder`)}>
              {(props) => (
                <select {...props} value={row.holder} onChange={(event) => set(index, { holder: event.target.value })}>
                  <option value="">{t('biometrics.form.choose')}</option>
                  {choices(row.holder).map((code) => (
                    <option key={code} value={code} translate="no">
                      {names.get(code) ?? code}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {value.length > 1 ? (
              <button type="button" className="button-secondary button-small" onClick={() => remove(index)} aria-label={t('biometrics.form.removeDirection', { n: index + 1 })}>
                {t('biometrics.form.remove')}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <button type="button" className="button-secondary" onClick={add}>
        {t('biometrics.form.addDirection')}
      </button>
    </Fieldset>
  );
}
