import { useT, type MessageId } from '../i18n/index.js';
import { Link, useLocation } from '../router.js';
import { useSession, type Session } from '../session.js';

/** A tab of a module's pages: shown to those whose roles may use it (the server checks again). */
export interface PageTab {
  path: string;
  label: MessageId;
  visible: (session: Session) => boolean;
}

/** The tab a path belongs to: the longest tab path that holds it, else `home` (a module's first page). */
export function currentTab(tabs: readonly PageTab[], path: string, home: string): string {
  const holding = tabs.filter((tab) => tab.path !== home && (path === tab.path || path.startsWith(`${tab.path}/`)));
  return holding.sort((a, b) => b.path.length - a.path.length)[0]?.path ?? home;
}

/** A module's tabs, the current one marked; `home` is the tab of any path no other tab holds. */
export function PageTabs({ tabs, home, label }: { tabs: readonly PageTab[]; home: string; label: MessageId }) {
  const t = useT();
  const { session } = useSession();
  const { path } = useLocation();
  const here = currentTab(tabs, path, home);
  return (
    <nav className="tabs" aria-label={t(label)}>
      <ul>
        {tabs.filter((tab) => tab.visible(session)).map((tab) => (
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
