import { useEffect, useState, type SubmitEvent } from 'react';
import { api } from '../../api.js';
import { ErrorAlert, Field, Loading, Notice } from '../../components/ui.js';
import { useResource, useSubmit } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import type { TimeZoneOne } from './api.js';


/** The IANA zones the browser knows, with the given one among them. */
function zonesWith(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return known.includes(current) ? known : [current, ...known].sort();
}

/** The user's time zone (GET/PUT /account/time-zone): the daily digest comes at about 07:00 in it. */
export function TimeZoneSection() {
  const t = useT();
  const saved = useResource<TimeZoneOne>('/account/time-zone');
  const [zone, setZone] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const { busy, error, run } = useSubmit();
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    if (saved.data) setZone(saved.data.data.timeZone);
  }, [saved.data]);

  if (!saved.data || zone === null) return saved.error ? <ErrorAlert error={saved.error} /> : <Loading />;
  const current = saved.data.data.timeZone;

  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    setDone(false);
    void run(async () => {
      saved.set(await api.put<TimeZoneOne>('/account/time-zone', { timeZone: zone }));
      setDone(true);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="form-narrow">
      {done ? (
        <Notice tone="success">
          <p>{t('account.timeZone.saved', { zone: current })}</p>
        </Notice>
      ) : null}
      <ErrorAlert error={error} shown={['/timeZone']} />
      <Field label={t('account.timeZone.label')} hint={t('account.timeZone.hint')} error={error?.fieldError('/timeZone')}>
        {(props) => (
          <select {...props} value={zone} onChange={(event) => setZone(event.target.value)} translate="no">
            {zonesWith(zone).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {browser && browser !== zone ? (
        <p>
          <button type="button" className="button-secondary" onClick={() => setZone(browser)}>
            {t('account.timeZone.useBrowser', { zone: browser })}
          </button>
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy || zone === current}>
          {t('account.timeZone.submit')}
        </button>
      </div>
    </form>
  );
}
