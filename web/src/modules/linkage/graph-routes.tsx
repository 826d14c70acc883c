import type { Route } from '../../router.js';
import { GraphPage } from './graph.js';
import { ReviewPage } from './review.js';

/** The graph and the secretariat's review (the lead, notice and request pages are in routes.tsx beside them). */
export const GRAPH_ROUTES: readonly Route[] = [
  { pattern: '/linkage/graph', render: () => <GraphPage /> },
  { pattern: '/linkage/review', render: () => <ReviewPage /> },
];
