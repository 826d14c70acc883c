import { useState, type SubmitEvent } from 'react';
import { api, ApiError, clientError, query } from '../../api.js';
import { ErrorAlert, Field, Notice, PageHeader } from '../../components/ui.js';
import { useSubmit, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import { bulletinPath, DRAFTS_PATH, type StixImportResult } from './api.js';
import { BulletinsTabs } from './tabs.js';
import './bulletins.css';

/** A bundle as read from the file: only what the page names its parts by. */
interface Bundle {
  objects?: unknown;
}

/** The object a pointer such as `/objects/3/spec_version` is in: its name when it has one, else its type. */
function objectAt(bundle: Bundle | null, pointer: string): string | null {
  const index = /^\/objects\/(\d+)/.exec(pointer)?.[1];
  if (!bundle || index === undefined || !Array.isArray(bundle.objects)) return null;
  const object: unknown = bundle.objects[Number(index)];
  if (typeof object !== 'object' || object === null) return null;
  const { name, type } = object as { name?: unknown; type?: unknown };
  return typeof name === 'string' ? name : typeof type === 'string' ? type : null;
}

/** How many reports the bundle holds: whether anything is left to import once the refused are left out. */
function reportCount(bundle: Bundle | null): number {
  return Array.isArray(bundle?.objects) ? bundle.objects.filter((object: unknown) => typeof object === 'object' && object !== null && (object as { type?: unknown }).type === 'report').length : 0;
}

/**
 * Import a STIX 2.1 bundle (from MISP, OpenCTI or another Lintas) into drafts of the user's member,
 * then check and publish each. A bundle holding reports the user may not pass on (rule 5) is refused
 * whole, each named; the user may then import the rest. A malformed bundle's parts are named too.
 */
export function BulletinImportPage() {
  const t = useT();
  useTitle(t('bulletins.import.title'));
  const { session } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [bundle, setBundle] = useState<Bundle | null>(null);
  const [result, setResult] = useState<StixImportResult | null>(null);
  const { busy, error, setError, run } = useSubmit();

  const send = (skipRefused: boolean): void => {
    setResult(null);
    if (!file) {
      setError(new ApiError(400, t('common.invalidRequest'), t('common.checkField'), [{ pointer: '/file', detail: t('bulletins.import.chooseFile') }]));
      return;
    }
    void run(async () => {
      let read: Bundle;
      try {
        read = JSON.parse(await file.text()) as Bundle;
      } catch {
        setBundle(null);
        throw clientError(msg('bulletins.import.notJson'));
      }
      setBundle(read);
      setResult(await api.post<StixImportResult>(`/bulletins/import.stix${query({ skipRefused: skipRefused ? 'true' : null })}`, read));
    });
  };
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    send(false);
  };

  if (!can(session, 'bulletins.write')) {
    return (
      <>
        <PageHeader title={t('bulletins.import.title')} />
        <BulletinsTabs />
        <p>{t('bulletins.import.notAllowed')}</p>
      </>
    );
  }

  // A refusal (403) or a malformed bundle (400) names its parts: shown as a list of their own, not as a form's field errors.
  const parts = error && (error.status === 403 || error.status === 400) && error.errors.some((item) => item.pointer.startsWith('/') && item.pointer !== '/file') ? error : undefined;
  const refused = parts?.status === 403;
  const rest = reportCount(bundle) - (parts?.errors.length ?? 0);
  const ignored = Object.entries(result?.ignored ?? {});

  return (
    <>
      <PageHeader title={t('bulletins.import.title')} />
      <BulletinsTabs />
      <p>{t('bulletins.import.intro')}</p>
      <p className="muted">{t('bulletins.import.rule')}</p>
      <form onSubmit={submit} noValidate className="document-form">
        {parts ? null : <ErrorAlert error={error} shown={['/file']} />}
        <Field label={t('bulletins.import.file')} hint={t('bulletins.import.fileHint')} error={error?.fieldError('/file')}>
          {(props) => (
            <input
              {...props}
              type="file"
              accept=".json,application/json,application/stix+json"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setResult(null);
                setError(undefined);
              }}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('bulletins.import.submit')}
          </button>
        </div>
      </form>

      {parts ? (
        <section className="alert alert-error import-problems" role="alert" aria-labelledby="import-problems">
          <h2 id="import-problems">{refused ? t('bulletins.import.refusedTitle') : t('bulletins.import.malformedTitle')}</h2>
          <p>{refused ? t('bulletins.import.refusedText') : t('bulletins.import.malformedText')}</p>
          <ul>
            {parts.errors.map((item) => {
              const name = objectAt(bundle, item.pointer);
              return (
                <li key={`${item.pointer} ${item.detail}`}>
                  {name && !refused ? <strong translate="no">{name} </strong> : null}
                  <code translate="no">{item.pointer}</code>: <span translate="no">{item.detail}</span>
                </li>
              );
            })}
          </ul>
          {refused && rest > 0 ? (
            <div className="form-actions">
              <button type="button" className="button-primary" disabled={busy} onClick={() => send(true)}>
                {t('bulletins.import.importRest', { count: rest })}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      {result ? (
        <section aria-labelledby="import-result" className="bulletin-section">
          <Notice tone="success">
            <h2 id="import-result">{t('bulletins.import.done', { count: result.data.length })}</h2>
            <p>{t('bulletins.import.doneHint')}</p>
          </Notice>
          {result.data.length > 0 ? (
            <ul className="import-drafts">
              {result.data.map((draft) => (
                <li key={draft.id}>
                  <strong className="draft-mark">{t('bulletins.draft')}</strong>{' '}
                  <Link to={bulletinPath(draft.id)} translate="no">
                    {draft.title}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
          {result.refused.length > 0 ? (
            <>
              <h3>{t('bulletins.import.leftOut', { count: result.refused.length })}</h3>
              <ul>
                {result.refused.map((item) => (
                  <li key={item.pointer}>
                    <code translate="no">{item.pointer}</code>: <span translate="no">{item.detail}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {ignored.length > 0 ? (
            <p className="muted">
              {t('bulletins.import.ignored')}{' '}
              <span translate="no">{t.list(ignored.map(([type, count]) => `${type} (${t.number(count)})`))}</span>
            </p>
          ) : null}
          <p>
            <Link to={DRAFTS_PATH}>{t('bulletins.import.allDrafts')}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
