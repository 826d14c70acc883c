import { useState, type SubmitEvent } from 'react';
import { api, ApiError } from '../api.js';
import { useSubmit } from '../hooks.js';
import { useT } from '../i18n/index.js';
import { ErrorAlert, Field } from './ui.js';

/**
 * A decision that must give its reason (refusing a disclosure, rejecting a match): a card with the
 * reason's box, checked in the page before it is sent (an empty reason is marked at its field), then
 * `POST path { reason }`; the answer's `data` goes to `onDone`.
 */
// T is the type of the record the API answers with, handed on to the caller as it came.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function ReasonForm<T>({ id, title, label, hint, missing, submit, path, maxLength, className, onDone }: {
  id: string;
  title: string;
  label: string;
  hint: string;
  /** What the field says when the reason is left empty. */
  missing: string;
  submit: string;
  path: string;
  maxLength: number;
  className: string;
  onDone: (data: T) => void;
}) {
  const t = useT();
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const send = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!reason.trim()) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/reason', detail: missing }]));
      return;
    }
    void run(async () => {
      const decided = await api.post<{ data: T }>(path, { reason: reason.trim() });
      onDone(decided.data);
    });
  };
  return (
    <section className={`card ${className}`} aria-labelledby={id}>
      <h2 id={id} className="card-title">
        {title}
      </h2>
      <form onSubmit={send} noValidate aria-label={title}>
        <ErrorAlert error={error} shown={['/reason']} />
        <Field label={label} hint={hint} error={error?.fieldError('/reason')}>
          {(props) => <textarea {...props} rows={3} maxLength={maxLength} value={reason} onChange={(event) => setReason(event.target.value)} />}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-danger" disabled={busy}>
            {busy ? t('common.saving') : submit}
          </button>
        </div>
      </form>
    </section>
  );
}
