import type { Route } from '../../router.js';
import { GRAPH_ROUTES } from './graph-routes.js';

export const LINKAGE_ROUTES: readonly Route[] = [...GRAPH_ROUTES];
