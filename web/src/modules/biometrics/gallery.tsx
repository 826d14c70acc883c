import { ErrorAlert, DateText, ListStatus, MoreButton, PageHeader } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { msg, useT } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession } from '../../session.js';
import { subjectPath, type SubjectItem } from './api.js';
import { EnrolArchive } from './enrol-archive.js';
import { EnrolForm } from './enrol-form.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

/**
 * The member's own gallery: enrolment from an image or from an archive (a run's progress and report
 * with `?run=`), and its subjects, newest first. No other member can list or count them.
 */
export function GalleryPage() {
  const t = useT();
  useTitle(t('biometrics.gallery.title'));
  const { session } = useSession();
  const allowed = can(session, 'biometrics.enrol');
  return (
    <>
      <PageHeader title={t('biometrics.title')} />
      <BiometricsTabs />
      <h2>{t('biometrics.gallery.title')}</h2>
      {allowed ? <Gallery /> : <p>{t('biometrics.gallery.notAllowed')}</p>}
    </>
  );
}

function Gallery() {
  const t = useT();
  const subjects = usePaged<SubjectItem>('/biometrics/subjects?limit=25');
  const { items } = subjects;
  const runId = useLocation().search.get('run');
  return (
    <>
      <p className="hint">{t('biometrics.gallery.hint')}</p>
      <EnrolForm onEnrolled={subjects.reload} />
      <EnrolArchive runId={runId} onProgress={subjects.reload} />
      <section aria-labelledby="gallery-subjects">
        <h2 id="gallery-subjects">{t('biometrics.gallery.subjects')}</h2>
        <ErrorAlert error={subjects.error} />
        <ListStatus paged={subjects} filtered={false} empty={msg('biometrics.gallery.none')} noMatch={msg('biometrics.gallery.none')} count={msg('biometrics.gallery.count')} />
        {items.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('biometrics.enrol.reference')}</th>
                  <th scope="col">{t('biometrics.subject.enrolled')}</th>
                  <th scope="col">{t('biometrics.subject.retainUntil')}</th>
                  <th scope="col">{t('biometrics.subject.format')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((subject) => (
                  <tr key={subject.id}>
                    <td>
                      <Link to={subjectPath(subject.id)} translate="no">
                        {subject.reference}
                      </Link>
                    </td>
                    <td>
                      <DateText value={subject.enrolledAt} withTime />
                    </td>
                    <td>
                      <DateText value={subject.retainUntil} />
                    </td>
                    <td>
                      <code>{subject.format}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <MoreButton paged={subjects} />
      </section>
    </>
  );
}
