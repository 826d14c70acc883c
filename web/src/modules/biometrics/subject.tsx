import { Fragment } from 'react';
import { api } from '../../api.js';
import { DateText, ErrorAlert, PageHeader, RecordPending } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { navigate } from '../../router.js';
import { Coded } from './agreement.js';
import { BIOGRAPHIC_FIELDS, BIOGRAPHIC_LABEL, subjectApiPath, type Subject } from './api.js';
import { SubjectImage } from './subject-image.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

/** A subject of the member's own gallery: its image, the biographic fields kept for step two, and deletion. */
export function SubjectPage({ id }: { id: string }) {
  const t = useT();
  const subject = useResource<{ data: Subject }>(subjectApiPath(id));
  const removal = useSubmit();
  useTitle(subject.data ? t('biometrics.subject.titleOf', { reference: subject.data.data.reference }) : t('biometrics.subject.title'));
  if (!subject.data) {
    return <RecordPending error={subject.error} title={t('biometrics.subject.title')} notFound={t('biometrics.subject.notFound')} tabs={<BiometricsTabs />} />;
  }
  const data = subject.data.data;
  const remove = (): void => {
    if (!window.confirm(t('biometrics.subject.confirmDelete', { reference: data.reference }))) return;
    void removal.run(async () => {
      await api.delete(subjectApiPath(data.id));
      navigate('/biometrics/gallery');
    });
  };
  // The closed list's order first, then any field this web app does not know yet.
  const fields = [...BIOGRAPHIC_FIELDS.filter((field) => data.biographic[field]), ...Object.keys(data.biographic).filter((field) => !(BIOGRAPHIC_FIELDS as readonly string[]).includes(field))];
  return (
    <>
      <PageHeader title={t.rich('biometrics.subject.titleOf', { reference: <span translate="no">{data.reference}</span> })}>
        <button type="button" className="button-danger" onClick={remove} disabled={removal.busy}>
          {t('common.delete')}
        </button>
      </PageHeader>
      <BiometricsTabs />
      <ErrorAlert error={removal.error} />
      <div className="document-layout">
        <article className="document-body">
          <section aria-labelledby="subject-image">
            <h2 id="subject-image">{t('biometrics.subject.image')}</h2>
            {data.hasImage ? <SubjectImage id={data.id} reference={data.reference} /> : <p className="muted">{t('biometrics.subject.noImage')}</p>}
          </section>
          <section aria-labelledby="subject-biographic">
            <h2 id="subject-biographic">{t('biometrics.subject.biographic')}</h2>
            <p className="hint">{t('biometrics.subject.biographicHint')}</p>
            {fields.length === 0 ? (
              <p className="muted">{t('biometrics.subject.noBiographic')}</p>
            ) : (
              <dl className="details">
                {fields.map((field) => (
                  <Fragment key={field}>
                    <dt>
                      <Coded labels={BIOGRAPHIC_LABEL} code={field} />
                    </dt>
                    <dd className={field === 'remarks' ? 'body-text' : undefined} translate="no">
                      {data.biographic[field]}
                    </dd>
                  </Fragment>
                ))}
              </dl>
            )}
          </section>
        </article>
        <aside className="document-meta" aria-label={t('biometrics.subject.about')}>
          <section aria-labelledby="subject-details" className="panel">
            <h2 id="subject-details">{t('biometrics.subject.details')}</h2>
            <dl className="details">
              <dt>{t('biometrics.subject.format')}</dt>
              <dd>
                <code>{data.format}</code>
              </dd>
              <dt>{t('biometrics.subject.enrolled')}</dt>
              <dd>
                <DateText value={data.enrolledAt} withTime />
              </dd>
              <dt>{t('biometrics.subject.retainUntil')}</dt>
              <dd>
                <DateText value={data.retainUntil} />
              </dd>
            </dl>
            <p className="hint">{t('biometrics.subject.ownerOnly')}</p>
          </section>
        </aside>
      </div>
    </>
  );
}
