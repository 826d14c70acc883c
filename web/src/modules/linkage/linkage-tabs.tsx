import { msg, useT, type MessageId } from '../../i18n/index.js';
import { Link, useLocation } from '../../router.js';
import { can, useSession, type Session } from '../../session.js';

/** The linkage pages' tabs, in order; a page added to the module adds its line here (the graph, the review queue). */
export interface LinkageTab {
  path: string;
  label: MessageId;
  visible: (session: Session) => boolean;
}

export const LINKAGE_TABS: LinkageTab[] = [
  { path: '/linkage', label: msg('linkage.tabs.leads'), visible: () => true },
  { path: '/linkage/notices', label: msg('linkage.tabs.notices'), visible: () => true },
  { path: '/linkage/requests', label: msg('linkage.tabs.requests'), visible: () => true },
  { path: '/linkage/graph', label: msg('shell.nav.linkageGraph'), visible: () => true },
  { path: '/linkage/review', label: msg('shell.nav.linkageReview'), visible: (session) => can(session, 'linkage.review') },
];

/** The tab a path belongs to: the longest tab path that holds it (/linkage/leads/… is the leads tab). */
function current(path: string): string {
  const holding = LINKAGE_TABS.filter((tab) => tab.path !== '/linkage' && (path === tab.path || path.startsWith(`${tab.path}/`)));
  return holding.sort((a, b) => b.path.length - a.path.length)[0]?.path ?? '/linkage';
}

export function LinkageTabs() {
  const t = useT();
  const { session } = useSession();
  const { path } = useLocation();
  const here = current(path);
  if (!can(session, 'linkage.read')) return null;
  return (
    <nav className="tabs" aria-label={t('linkage.title')}>
      <ul>
        {LINKAGE_TABS.filter((tab) => tab.visible(session)).map((tab) => (
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
