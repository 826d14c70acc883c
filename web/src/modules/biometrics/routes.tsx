import type { Route } from '../../router.js';
import { AgreementPage } from './agreement.js';
import { AgreementNewPage } from './agreement-form.js';
import { AgreementsPage } from './agreements.js';
import { FiguresPage } from './figures.js';
import { GalleryPage } from './gallery.js';
import { SearchPage } from './search.js';
import { SearchesPage } from './searches.js';
import { SubjectPage } from './subject.js';

/** The biometrics pages: agreements, the member's gallery, search by image, and the searches made and received. */
export const BIOMETRICS_ROUTES: readonly Route[] = [
  { pattern: '/biometrics', render: () => <AgreementsPage /> },
  { pattern: '/biometrics/agreements', render: () => <AgreementsPage /> },
  { pattern: '/biometrics/agreements/new', render: () => <AgreementNewPage /> },
  { pattern: '/biometrics/agreements/:id', render: (p) => <AgreementPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/biometrics/gallery', render: () => <GalleryPage /> },
  { pattern: '/biometrics/gallery/:id', render: (p) => <SubjectPage key={p.id} id={p.id ?? ''} /> },
  { pattern: '/biometrics/search', render: () => <SearchPage /> },
  { pattern: '/biometrics/searches', render: () => <SearchesPage /> },
  { pattern: '/biometrics/figures', render: () => <FiguresPage /> },
];
