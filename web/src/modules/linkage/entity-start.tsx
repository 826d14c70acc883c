import { useState, type SubmitEvent } from 'react';
import type { ApiError } from '../../api.js';
import { Field } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { KIND_LABEL, TYPED_KINDS, typedEntity, type EntityInput, type TypedKind } from './graph-api.js';

/**
 * An entity as a person types it (a phone, an e-mail, an IBAN, a crypto address or a name), with the
 * country national numbers are read in; the server normalises it as it does records' entities.
 */
export function EntityStart({ label, submit, busy, error, onSubmit }: {
  label: string;
  submit: string;
  busy: boolean;
  error: ApiError | undefined;
  onSubmit: (entity: EntityInput, country: string | undefined) => void;
}) {
  const t = useT();
  const [type, setType] = useState<TypedKind>('phone');
  const [text, setText] = useState('');
  const [country, setCountry] = useState('');
  const send = (event: SubmitEvent): void => {
    event.preventDefault();
    if (text.trim()) onSubmit(typedEntity(type, text.trim()), country.trim() ? country.trim().toUpperCase() : undefined);
  };
  return (
    <form className="filters entity-start" onSubmit={send} aria-label={label}>
      <Field label={t('linkage.graph.entityType')}>
        {(props) => (
          <select {...props} value={type} onChange={(event) => setType(event.target.value as TypedKind)}>
            {TYPED_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(KIND_LABEL[kind])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('linkage.graph.entityValue')} error={error?.fieldError('/entity')}>
        {(props) => <input {...props} value={text} maxLength={400} onChange={(event) => setText(event.target.value)} />}
      </Field>
      <Field label={t('linkage.graph.country')} hint={t('linkage.graph.countryHint')} error={error?.fieldError('/country')}>
        {(props) => <input {...props} value={country} maxLength={3} size={4} onChange={(event) => setCountry(event.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || !text.trim()}>
          {submit}
        </button>
      </div>
    </form>
  );
}
