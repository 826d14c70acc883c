import { PageTabs, type PageTab } from '../../components/page-tabs.js';
import { msg } from '../../i18n/index.js';
import { can, useSession } from '../../session.js';

/** The linkage pages' tabs, in order; a page added to the module adds its line here (the graph, the review queue). */
const LINKAGE_TABS: readonly PageTab[] = [
  { path: '/linkage', label: msg('linkage.tabs.leads'), visible: () => true },
  { path: '/linkage/notices', label: msg('linkage.tabs.notices'), visible: () => true },
  { path: '/linkage/requests', label: msg('linkage.tabs.requests'), visible: () => true },
  { path: '/linkage/graph', label: msg('shell.nav.linkageGraph'), visible: () => true },
  { path: '/linkage/figures', label: msg('linkage.tabs.figures'), visible: () => true },
  { path: '/linkage/review', label: msg('shell.nav.linkageReview'), visible: (session) => can(session, 'linkage.review') },
];

export function LinkageTabs() {
  const { session } = useSession();
  if (!can(session, 'linkage.read')) return null;
  return <PageTabs tabs={LINKAGE_TABS} home="/linkage" label={msg('linkage.title')} />;
}
