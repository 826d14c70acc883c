import type { ReactNode } from 'react';
import { PageHeader } from './components/ui.js';
import { HomePage } from './home.js';
import { useTitle } from './hooks.js';
import { useT } from './i18n/index.js';
import { ACCOUNT_ROUTES } from './modules/account/routes.js';
import { AUDIT_ROUTES } from './modules/audit/routes.js';
import { BIOMETRICS_ROUTES } from './modules/biometrics/routes.js';
import { BULLETINS_ROUTES } from './modules/bulletins/routes.js';
import { DIRECTORY_ROUTES } from './modules/directory/routes.js';
import { DOCUMENTS_ROUTES } from './modules/documents/routes.js';
import { INBOX_ROUTES } from './modules/inbox/routes.js';
import { LIBRARY_ROUTES } from './modules/library/routes.js';
import { LINKAGE_ROUTES } from './modules/linkage/routes.js';
import { REPORTS_ROUTES } from './modules/reports/routes.js';
import { WEBHOOKS_ROUTES } from './modules/webhooks/routes.js';
import { match, type Route } from './router.js';

/** Every page of the signed-in app, module by module (modules/<name>/routes.tsx); the first pattern that matches wins. */
const ROUTES: readonly Route[] = [
  { pattern: '/', render: () => <HomePage /> },
  ...DIRECTORY_ROUTES,
  ...LIBRARY_ROUTES,
  ...REPORTS_ROUTES,
  ...DOCUMENTS_ROUTES,
  ...LINKAGE_ROUTES,
  ...BULLETINS_ROUTES,
  ...BIOMETRICS_ROUTES,
  ...AUDIT_ROUTES,
  ...INBOX_ROUTES,
  ...ACCOUNT_ROUTES,
  ...WEBHOOKS_ROUTES,
];

function NotFound() {
  const t = useT();
  useTitle(t('shell.notFound.title'));
  return (
    <>
      <PageHeader title={t('shell.notFound.title')} />
      <p>{t('shell.notFound.text')}</p>
    </>
  );
}

export function renderRoute(path: string): ReactNode {
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params) return route.render(params);
  }
  return <NotFound />;
}
