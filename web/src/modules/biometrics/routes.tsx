import type { Route } from '../../router.js';
import { AgreementPage } from './agreement.js';
import { AgreementNewPage } from './agreement-form.js';
import { AgreementsPage } from './agreements.js';
import { FiguresPage } from './figures.js';
import { GalleryPage } from './gallery.js';
import { SearchPage } from './search.js';
import { SearchesPage } from './searches.js';
import { StepTwoPage } from './step-two.js';
import { StepTwoListPage } from './step-two-list.js';
import { SubjectPage } from './subject.js';

/** The biometrics pages: agreements, the member's gallery, search by image, the searches made and received, and step two. */
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
  { pattern: '/biometrics/step-two', render: () => <StepTwoListPage /> },
  { pattern: '/biometrics/step-two/:id', render: (p) => <StepTwoPage key={p.id} id={p.id ?? ''} /> },
];
