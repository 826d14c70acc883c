import { PageTabs, type PageTab } from '../../components/page-tabs.js';
import { msg } from '../../i18n/index.js';
import { can } from '../../session.js';

/** The biometrics pages' tabs, each shown to those whose roles may use it (the server checks again). */
const TABS: readonly PageTab[] = [
  { path: '/biometrics/agreements', label: msg('biometrics.tabs.agreements'), visible: () => true },
  { path: '/biometrics/gallery', label: msg('biometrics.tabs.gallery'), visible: (session) => can(session, 'biometrics.enrol') },
  { path: '/biometrics/search', label: msg('biometrics.tabs.search'), visible: (session) => can(session, 'biometrics.search') },
  { path: '/biometrics/searches', label: msg('biometrics.tabs.searches'), visible: () => true },
  { path: '/biometrics/step-two', label: msg('biometrics.tabs.stepTwo'), visible: () => true },
  { path: '/biometrics/figures', label: msg('biometrics.tabs.figures'), visible: () => true },
];

/** /biometrics/gallery/… is the gallery's tab; /biometrics alone the agreements'. */
export function BiometricsTabs() {
  return <PageTabs tabs={TABS} home="/biometrics/agreements" label={msg('biometrics.title')} />;
}
