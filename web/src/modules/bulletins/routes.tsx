import type { Route } from '../../router.js';
import { BulletinPage } from './bulletin.js';
import { BulletinCorrectPage, BulletinNewPage } from './bulletin-form.js';
import { BulletinsPage } from './bulletins.js';

export const BULLETINS_ROUTES: readonly Route[] = [
  { pattern: '/bulletins', render: () => <BulletinsPage /> },
  { pattern: '/bulletins/new', render: () => <BulletinNewPage /> },
  { pattern: '/bulletins/:id', render: (p) => <BulletinPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/bulletins/:id/correct', render: (p) => <BulletinCorrectPage key={p.id} id={p.id ?? ''} /> },
];
