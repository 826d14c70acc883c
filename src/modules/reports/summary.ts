import type { Ctx } from '../../platform/context.js';
import { invalid } from '../../platform/http/problem.js';
import { cells, K_PUBLISHED, present, protectSums, type AnalysisFilters, type RawCell } from './analysis.js';
import { flows, labelsFor } from './analysis-dashboard.js';
import { factView } from './fact-store.js';
import type { SummaryQuery } from './analysis-schemas.js';

export const SUMMARY_TOP_ROUTES = 10;

const byKey = (a: RawCell, b: RawCell): number => ((a.keys[0] ?? '') < (b.keys[0] ?? '') ? -1 : 1);

/**
 * The regional summary of a period, meant to be published: the same population and rule as the
 * dashboard, with k = 11 (DESIGN.md §3, rule 6). Contributors are the members with a shared report
 * in the period that the viewer may see or that counts in regional aggregates.
 */
export async function summary(ctx: Ctx, query: SummaryQuery) {
  if (query.to < query.from) throw invalid([{ pointer: '/to', detail: 'must not be before from' }]);
  const k = K_PUBLISHED;
  const filters: AnalysisFilters = { from: query.from, to: query.to };
  const source = await factView(ctx);
  const [total] = await cells(ctx.tx, filters, [], k, source);
  const types = (await cells(ctx.tx, filters, ['incidentType'], k, source)).sort(byKey);
  const quarters = (await cells(ctx.tx, filters, ['quarter'], k, source)).sort(byKey);
  protectSums([types, quarters]);
  const routes = await flows(ctx, source, filters, k, SUMMARY_TOP_ROUTES);
  const members = (await cells(ctx.tx, filters, ['member'], k, source)).filter((cell) => cell.figures.reports > 0);
  await ctx.audit({ action: 'reports.summary', objectType: 'report', details: { criteria: { ...query } } });
  const memberCodes = members.map((cell) => cell.keys[0] ?? '');
  const labels = await labelsFor(ctx, [...types.map((cell) => cell.keys[0] ?? ''), ...routes.top.flatMap((r) => [r.from, r.to]), ...memberCodes]);
  return {
    from: query.from,
    to: query.to,
    k,
    generatedAt: new Date().toISOString(),
    keyFigures: present(total),
    byIncidentType: types.map((cell) => ({ key: cell.keys[0] ?? '', ...present(cell) })),
    byQuarter: quarters.map((cell) => ({ key: cell.keys[0] ?? '', ...present(cell) })),
    topRoutes: routes.top,
    contributors: memberCodes.sort().map((code) => ({ code, name: labels[code] ?? code })),
    labels,
  };
}

export type Summary = Awaited<ReturnType<typeof summary>>;
