import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from './i18n/index.js';
import { isWithin, NAV, type NavItem } from './nav.js';
import { TotpSection } from './modules/account/account-totp.js';
import { ReauthenticateDialog } from './components/reauthenticate.js';
import { Link, navigate, useLocation } from './router.js';
import { renderRoute } from './routes.js';
import { useSession, waitingIn } from './session.js';

/** Links to modules or pages, each with the count of what waits there for the user, if any. */
function NavLinks({ items }: { items: readonly NavItem[] }) {
  const { attention } = useSession();
  const { path } = useLocation();
  const t = useT();
  return (
    <ul>
      {items.map((item) => {
        const count = item.badge ? waitingIn(attention ?? [], item.badge.module) : 0;
        const described = item.badge && count > 0 ? `nav-badge-${item.badge.module}` : undefined;
        return (
          <li key={item.path}>
            <Link to={item.path} aria-current={isWithin(path, item.path) ? 'page' : undefined} aria-describedby={described}>
              {t(item.label)}
              {described ? (
                <span className="badge" aria-hidden="true" data-badge={item.badge?.module}>
                  {count}
                </span>
              ) : null}
            </Link>
            {/* Heard as the link's description, so the link's name stays the module's. */}
            {described ? (
              <span id={described} className="visually-hidden">
                {item.badge ? t(item.badge.meaning, { count }) : null}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function Header({ withNav }: { withNav: boolean }) {
  const { session, signOut } = useSession();
  const t = useT();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <div className="header-bar">
        <Link to="/" className="brand" translate="no">
          Lintas
        </Link>
        <div className="header-user">
          <span>
            <span className="user-name" translate="no">
              {session.user.name}
            </span>
            <span className="user-member" translate="no">
              {session.user.memberName} ({session.user.member})
            </span>
          </span>
          {withNav ? (
            <nav className="personal-nav" aria-label={t('shell.personal')}>
              <NavLinks items={NAV.filter((item) => item.personal && item.visible(session))} />
            </nav>
          ) : null}
          <button type="button" className="button-header" onClick={() => void signOut()}>
            {t('shell.signOut')}
          </button>
        </div>
      </div>
      {withNav ? (
        <nav className="site-nav" aria-label={t('shell.modules')}>
          <NavLinks items={NAV.filter((item) => !item.personal && item.visible(session))} />
        </nav>
      ) : null}
    </header>
  );
}

function Main({ children }: { children: ReactNode }) {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a client-side navigation, move focus to the new page so screen readers start there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [path]);

  return (
    <main id="main" ref={main} tabIndex={-1}>
      {children}
    </main>
  );
}

/** The signed-in app: header, module navigation and the page. */
export function Shell() {
  const location = useLocation();
  // After signing in: where the visitor wanted to go, or home.
  const redirect = location.path === '/sign-in' || (location.path === '/' && location.search.has('next'));

  useEffect(() => {
    if (!redirect) return;
    const next = location.search.get('next');
    // Only same-site paths: never follow a next= to another origin.
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  }, [redirect, location.search]);

  return (
    <div className="app">
      <Header withNav />
      <Main>{redirect ? null : renderRoute(location.path)}</Main>
      <ReauthenticateDialog />
    </div>
  );
}

/** The member requires a second factor and this user has none yet: enrol before anything else. */
export function EnrolmentShell() {
  const { refresh } = useSession();
  const t = useT();
  return (
    <div className="app">
      <Header withNav={false} />
      <Main>
        <div className="page-header">
          <h1 tabIndex={-1}>{t('shell.enrol.title')}</h1>
        </div>
        <p>{t('shell.enrol.intro')}</p>
        <TotpSection onChanged={() => undefined} onDone={() => void refresh()} />
      </Main>
    </div>
  );
}
