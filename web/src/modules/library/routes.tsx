import type { Route } from '../../router.js';
import { DocumentPage } from './library-document.js';
import { DocumentEditPage, DocumentNewPage } from './library-form.js';
import { LibraryPage } from './library.js';

export const LIBRARY_ROUTES: readonly Route[] = [
  { pattern: '/library', render: () => <LibraryPage /> },
  { pattern: '/library/new', render: () => <DocumentNewPage /> },
  { pattern: '/library/:id', render: (p) => <DocumentPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/library/:id/edit', render: (p) => <DocumentEditPage key={p.id} id={p.id ?? ''} /> },
];
