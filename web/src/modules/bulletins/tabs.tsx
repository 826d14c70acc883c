import { PageTabs, type PageTab } from '../../components/page-tabs.js';
import { msg } from '../../i18n/index.js';
import { can } from '../../session.js';
import { DRAFTS_PATH, IMPORT_PATH } from './api.js';

/** The bulletins' list pages: the published ones, the member's drafts and the STIX import (those who write bulletins). */
const TABS: readonly PageTab[] = [
  { path: '/bulletins', label: msg('bulletins.tabs.published'), visible: () => true },
  { path: DRAFTS_PATH, label: msg('bulletins.tabs.drafts'), visible: (session) => can(session, 'bulletins.write') },
  { path: IMPORT_PATH, label: msg('bulletins.tabs.import'), visible: (session) => can(session, 'bulletins.write') },
];

export function BulletinsTabs() {
  return <PageTabs tabs={TABS} home="/bulletins" label={msg('bulletins.title')} />;
}
