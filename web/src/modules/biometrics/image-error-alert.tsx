import { useEffect, useRef } from 'react';
import type { ApiError } from '../../api.js';
import { ErrorAlert } from '../../components/ui.js';
import { useT } from '../../i18n/index.js';
import { refusalOf } from './api.js';

/**
 * A request's error for a form that sends an image: an image the server could not take (413, or
 * 422 with a `reason`) said as a sentence of the app's own, anything else as ErrorAlert says it.
 */
export function ImageErrorAlert({ error, shown }: { error: ApiError | undefined; shown: readonly string[] }) {
  const t = useT();
  const alert = useRef<HTMLDivElement>(null);
  const refusal = refusalOf(error);
  // As ErrorAlert does: the user is taken to the message, wherever they were.
  useEffect(() => {
    if (refusal) alert.current?.focus();
  }, [error, refusal]);
  if (!refusal) return <ErrorAlert error={error} shown={shown} />;
  return (
    <div className="alert alert-error" role="alert" ref={alert} tabIndex={-1}>
      <p>
        <strong>{t(refusal)}</strong>
      </p>
    </div>
  );
}
