import type { Ctx } from '../../../platform/context.js';
import { sql } from '../../../platform/db/sql.js';
import { FIGURES, type Figure } from '../analysis/figures.js';
import { labelsFor } from '../analysis/dashboard.js';
import { K_PLATFORM, K_PUBLISHED } from '../../../platform/release/disclosure.js';
import { intervalOfPeriod, PERIOD_PATTERN } from '../../../platform/release/periods.js';
import { RELEASE_TABLE_NAMES, RELEASE_TABLES, RELEASE_INTERVALS, type ReleaseInterval, type ReleaseTable } from './tables.js';

/**
 * Reading the regional release: the cells the job stored, the same for every viewer. Nothing here
 * computes over records; a viewer's request only picks which stored cells to read.
 */

interface ReleaseInfo {
  id: string;
  computedAt: string;
  /** Periods that ended before this day are covered. */
  cutoff: string;
  reason: string;
}

interface CellRow {
  period: string;
  key1: string;
  key2: string;
  reports: number;
  figures: Record<Figure, number>;
  fee_mean: number | null;
}

async function latestRelease(ctx: Ctx): Promise<ReleaseInfo | null> {
  const row = await ctx.tx.maybeOne<{ id: string; computed_at: Date; cutoff: string; reason: string }>(
    sql`SELECT id, computed_at, cutoff, reason FROM report_releases ORDER BY computed_at DESC, id DESC LIMIT 1`,
  );
  return row ? { id: row.id, computedAt: row.computed_at.toISOString(), cutoff: row.cutoff, reason: row.reason } : null;
}

async function readCells(ctx: Ctx, release: string, table: ReleaseTable, pattern: string, published: boolean): Promise<CellRow[]> {
  return ctx.tx.query<CellRow>(sql`
    SELECT period, key1, key2, reports, figures, fee_mean FROM report_release_cells
    WHERE release_id = ${release} AND tbl = ${table} AND period ~ ${pattern} AND (published OR NOT ${published})
    ORDER BY period, key1, key2`);
}

const figuresOf = (row: CellRow): Record<Figure | 'reports', number> => ({
  reports: row.reports,
  ...(Object.fromEntries(FIGURES.map((figure) => [figure, row.figures[figure] ?? 0])) as Record<Figure, number>),
});

/** The release's tables and when it was computed. */
export async function releaseOverview(ctx: Ctx) {
  const release = await latestRelease(ctx);
  await ctx.audit({ action: 'reports.release.read', objectType: 'report-release', ...(release ? { objectId: release.id } : {}) });
  return {
    release,
    tables: RELEASE_TABLE_NAMES.map((name) => ({ name, label: RELEASE_TABLES[name].label, dimensions: [...RELEASE_TABLES[name].dimensions] })),
    intervals: [...RELEASE_INTERVALS],
    k: K_PLATFORM,
    publishedK: K_PUBLISHED,
  };
}

/** One table of the latest release, by one interval: every cell shown (k = 5, or 11 with `published`). */
export async function releaseCells(ctx: Ctx, query: { table: ReleaseTable; interval: ReleaseInterval; published?: boolean }) {
  const release = await latestRelease(ctx);
  const published = query.published ?? false;
  const rows = release ? await readCells(ctx, release.id, query.table, PERIOD_PATTERN[query.interval], published) : [];
  await ctx.audit({
    action: 'reports.release.read',
    objectType: 'report-release',
    ...(release ? { objectId: release.id } : {}),
    details: { criteria: { table: query.table, interval: query.interval, published } },
  });
  const fees = query.table === 'fees';
  const cells = rows.map((row) => ({
    period: row.period,
    keys: RELEASE_TABLES[query.table].dimensions.map((_, index) => (index === 0 ? row.key1 : row.key2)),
    ...(fees ? { reports: row.reports, feeMean: row.fee_mean ?? 0 } : figuresOf(row)),
  }));
  return {
    release,
    table: query.table,
    interval: query.interval,
    k: published ? K_PUBLISHED : K_PLATFORM,
    cells,
    labels: await labelsFor(ctx, cells.flatMap((cell) => cell.keys.flatMap((key) => key.split('>')))),
  };
}

/** Which of the viewer's member's records entered each of the latest releases (its own only). */
export async function myReleaseRecords(ctx: Ctx) {
  const rows = await ctx.tx.query<{ id: string; computed_at: Date; cutoff: string; reason: string; reports: string[] | null }>(sql`
    SELECT r.id, r.computed_at, r.cutoff, r.reason, m.reports
    FROM report_releases r LEFT JOIN report_release_records m ON m.release_id = r.id AND m.owner = ${ctx.actor.member}
    ORDER BY r.computed_at DESC, r.id DESC LIMIT 24`);
  return {
    releases: rows.map((row) => ({
      release: { id: row.id, computedAt: row.computed_at.toISOString(), cutoff: row.cutoff, reason: row.reason },
      reports: row.reports ?? [],
    })),
  };
}

const SUMMARY_TOP_ROUTES = 10;

/**
 * The regional summary of one closed period, for publication: read from the latest release's
 * cells that pass k = 11 only. Without a period, the latest year it has figures for (else quarter).
 */
export async function releaseSummary(ctx: Ctx, query: { period?: string }) {
  const release = await latestRelease(ctx);
  const totals = release ? await readCells(ctx, release.id, 'total', '.', true) : [];
  const periods = totals.map((row) => row.period);
  const period = query.period ?? [...periods].reverse().find((p) => intervalOfPeriod(p) === 'year') ?? [...periods].reverse().find((p) => intervalOfPeriod(p) === 'quarter') ?? null;
  const exact = (p: string) => `^${p.replace(/[^0-9A-Za-z-]/g, '')}$`;
  const total = totals.find((row) => row.period === period);
  const types = release && period ? await readCells(ctx, release.id, 'incidentType', exact(period), true) : [];
  const routes = release && period ? await readCells(ctx, release.id, 'route', exact(period), true) : [];
  const interval = period ? intervalOfPeriod(period) : null;
  const within = !period || interval === 'month' ? [] : totals.filter((row) => intervalOfPeriod(row.period) === (interval === 'year' ? 'quarter' : 'month') && belongsTo(row.period, period));
  await ctx.audit({ action: 'reports.summary', objectType: 'report-release', ...(release ? { objectId: release.id } : {}), details: { criteria: { period } } });
  const topRoutes = routes
    .filter((row) => row.key1 !== 'unknown')
    .sort((a, b) => b.reports - a.reports || (a.key1 < b.key1 ? -1 : 1))
    .slice(0, SUMMARY_TOP_ROUTES)
    .map((row) => {
      const [from = '', to = ''] = row.key1.split('>');
      return { from, to, ...figuresOf(row) };
    });
  const labels = await labelsFor(ctx, [...types.map((row) => row.key1), ...topRoutes.flatMap((route) => [route.from, route.to])]);
  return {
    release,
    period,
    periods,
    k: K_PUBLISHED,
    generatedAt: new Date().toISOString(),
    keyFigures: total ? figuresOf(total) : null,
    byIncidentType: types.map((row) => ({ key: row.key1, ...figuresOf(row) })),
    breakdown: within.map((row) => ({ key: row.period, ...figuresOf(row) })),
    topRoutes,
    labels,
  };
}

/** Whether a quarter or month falls within a year or quarter. */
function belongsTo(part: string, whole: string): boolean {
  if (/^\d{4}$/.test(whole)) return part.startsWith(`${whole}-`);
  const match = /^(\d{4})-Q([1-4])$/.exec(whole);
  if (!match) return false;
  const month = Number(part.slice(5, 7));
  return part.startsWith(`${match[1]}-`) && Math.floor((month - 1) / 3) + 1 === Number(match[2]);
}

export type ReleaseSummary = Awaited<ReturnType<typeof releaseSummary>>;
