import { msg, useT, type MessageId } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession, type Session } from '../../session.js';

interface BiometricsTab {
  path: string;
  label: MessageId;
  visible: (session: Session) => boolean;
}

/** The biometrics pages' tabs, each shown to those whose roles may use it (the server checks again). */
const TABS: readonly BiometricsTab[] = [
  { path: '/biometrics/agreements', label: msg('biometrics.tabs.agreements'), visible: () => true },
  { path: '/biometrics/gallery', label: msg('biometrics.tabs.gallery'), visible: (session) => can(session, 'biometrics.enrol') },
  { path: '/biometrics/search', label: msg('biometrics.tabs.search'), visible: (session) => can(session, 'biometrics.search') },
  { path: '/biometrics/searches', label: msg('biometrics.tabs.searches'), visible: () => true },
];

/** The tab a path belongs to: /biometrics/gallery/… is the gallery's, /biometrics alone the agreements'. */
function current(path: string): string {
  return TABS.find((tab) => path === tab.path || path.startsWith(`${tab.path}/`))?.path ?? '/biometrics/agreements';
}

export function BiometricsTabs() {
  const t = useT();
  const { session } = useSession();
  const { path } = useLocation();
  const here = current(path);
  return (
    <nav className="tabs" aria-label={t('biometrics.title')}>
      <ul>
        {TABS.filter((tab) => tab.visible(session)).map((tab) => (
          <li key={tab.path}>
            <Link to={tab.path} aria-current={here === tab.path ? 'page' : undefined}>
              {t(tab.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
