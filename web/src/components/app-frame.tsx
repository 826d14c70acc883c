import { useT } from '../i18n/index.js';

/**
 * The app's frame while the session loads: the header and the navigation's place, and grey bars where
 * the page will be, so the page does not jump when it arrives. Screen readers hear "Loading".
 */
export function AppFrame() {
  const t = useT();
  return (
    <div className="app app-frame" aria-busy="true">
      <header className="site-header">
        <div className="header-bar">
          <span className="brand" translate="no">
            Lintas
          </span>
          <span className="skeleton skeleton-on-brand" style={{ width: '10rem' }} />
        </div>
        <div className="site-nav">
          <ul aria-hidden="true">
            {[6, 5, 5, 8, 9, 10, 9, 4, 5].map((width, index) => (
              <li key={index}>
                <span className="skeleton skeleton-nav" style={{ width: `${width}ch` }} />
              </li>
            ))}
          </ul>
        </div>
      </header>
      <main id="main">
        <p className="visually-hidden" role="status">
          {t('ui.loading')}
        </p>
        <div aria-hidden="true">
          <span className="skeleton skeleton-title" />
          {[90, 75, 82, 60].map((width) => (
            <span key={width} className="skeleton skeleton-line" style={{ width: `${width}%` }} />
          ))}
        </div>
      </main>
    </div>
  );
}
