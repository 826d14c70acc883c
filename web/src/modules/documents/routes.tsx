import type { Route } from '../../router.js';
import { DocumentsCheckPage } from './documents-check.js';
import { TravelDocumentPage } from './documents-document.js';
import { TravelDocumentNewPage } from './documents-form.js';
import { DocumentHitPage } from './documents-hit.js';
import { DocumentHitsPage } from './documents-hits.js';
import { DocumentsRegisterPage } from './documents-register.js';

export const DOCUMENTS_ROUTES: readonly Route[] = [
  { pattern: '/documents', render: () => <DocumentsCheckPage /> },
  { pattern: '/documents/register', render: () => <DocumentsRegisterPage /> },
  { pattern: '/documents/register/new', render: () => <TravelDocumentNewPage /> },
  { pattern: '/documents/register/:id', render: (p) => <TravelDocumentPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/documents/hits', render: () => <DocumentHitsPage /> },
  { pattern: '/documents/hits/:id', render: (p) => <DocumentHitPage key={p.id} id={p.id ?? ''} /> },
];
