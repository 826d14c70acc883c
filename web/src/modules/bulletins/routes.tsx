import type { Route } from '../../router.js';
import { BulletinPage } from './bulletin.js';
import { BulletinCorrectPage, BulletinDraftPage, BulletinNewPage } from './bulletin-form.js';
import { BulletinsPage } from './bulletins.js';
import { BulletinImportPage } from './import.js';

export const BULLETINS_ROUTES: readonly Route[] = [
  { pattern: '/bulletins', render: () => <BulletinsPage key="published" /> },
  { pattern: '/bulletins/new', render: () => <BulletinNewPage /> },
  { pattern: '/bulletins/drafts', render: () => <BulletinsPage key="drafts" drafts /> },
  { pattern: '/bulletins/import', render: () => <BulletinImportPage /> },
  { pattern: '/bulletins/:id', render: (p) => <BulletinPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/bulletins/:id/edit', render: (p) => <BulletinDraftPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/bulletins/:id/correct', render: (p) => <BulletinCorrectPage key={p.id} id={p.id ?? ''} /> },
];
