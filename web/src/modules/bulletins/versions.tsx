import { DateText, ErrorAlert, Loading } from '../../components/ui.js';
import { useResource } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { bulletinPath, TYPE_LABEL, type Version } from './api.js';

/** Every version of the bulletin, newest first, each with its correction note; earlier texts folded away. */
export function Versions({ bulletin, version }: { bulletin: string; version: number }) {
  const t = useT();
  const versions = useResource<{ data: Version[] }>(`${bulletinPath(bulletin)}/versions`);
  return (
    <section aria-labelledby="bulletin-versions" className="bulletin-section">
      <h2 id="bulletin-versions">{t('bulletins.versions')}</h2>
      <ErrorAlert error={versions.error} />
      {!versions.data ? (
        versions.error ? null : <Loading />
      ) : (
        <ol className="comments" reversed>
          {versions.data.data.map((item) => (
            <li key={item.version}>
              <p className="meta">
                <strong>{t('bulletins.versionN', { version: item.version })}</strong>
                {item.version === version ? <span> · {t('bulletins.versions.current')}</span> : null} · <DateText value={item.createdAt} withTime />
              </p>
              <p translate="no">{item.note}</p>
              {item.version !== version ? (
                <details>
                  <summary>{t('bulletins.versions.show')}</summary>
                  <p>
                    <strong translate="no">{item.title}</strong> · {t(TYPE_LABEL[item.type])}
                  </p>
                  {/* An earlier text as written: shown as text, not as HTML. */}
                  <pre className="markdown-source" translate="no">
                    {item.body}
                  </pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
