import type { Measurement } from './load.js';

export type Route = 'ceiling' | 'floor' | 'list' | 'search';
export type DatabaseKind = 'postgres' | 'pglite';

export interface Row {
  database: DatabaseKind;
  documents: number;
  /** The app's pg pool size (PostgreSQL server only). */
  pool: number | null;
  /** null for the ceiling, which touches no database. */
  rowLevelSecurity: boolean | null;
  route: Route;
  measurement: Measurement;
  /** requests/s as a fraction of the ceiling measured in the same leg. */
  ofCeiling: number;
  /** For RLS-on rows: how much throughput row-level security costs against the same query with it off (0.1 = 10%). */
  rlsCost: number | null;
  /** For RLS-on rows: p50 latency on over off, minus one. */
  rlsLatencyCost: number | null;
}

export interface GoalCheck {
  database: DatabaseKind;
  documents: number;
  pool: number | null;
  goal: string;
  met: boolean;
  detail: string;
}

const percent = (value: number | null, digits = 1): string => (value === null || Number.isNaN(value) ? '' : `${(value * 100).toFixed(digits)}%`);

/** Fills in each row's fraction of its ceiling and, for RLS-on rows, the cost against RLS off. */
export function relate(rows: Row[]): void {
  for (const row of rows) {
    const ceiling = rows.find((other) => other.database === row.database && other.documents === row.documents && other.route === 'ceiling');
    row.ofCeiling = ceiling ? Number((row.measurement.requestsPerSecond / ceiling.measurement.requestsPerSecond).toFixed(3)) : Number.NaN;
    if (row.rowLevelSecurity !== true) continue;
    const off = rows.find(
      (other) => other.database === row.database && other.documents === row.documents && other.pool === row.pool && other.route === row.route && other.rowLevelSecurity === false,
    );
    if (!off || off.measurement.requestsPerSecond === 0) continue;
    row.rlsCost = Number((1 - row.measurement.requestsPerSecond / off.measurement.requestsPerSecond).toFixed(3));
    row.rlsLatencyCost = off.measurement.p50 > 0 ? Number((row.measurement.p50 / off.measurement.p50 - 1).toFixed(3)) : null;
  }
}

export function table(rows: Row[]): string {
  const header = ['database', 'documents', 'pool', 'RLS', 'request', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'of ceiling', 'RLS cost (req/s)', 'RLS cost (p50)', 'app cores', 'app ms/req', 'busy', 'non-2xx/err', 'bg before'];
  const lines = rows.map((row) => [
    row.database,
    row.documents.toLocaleString('en-US'),
    row.pool === null ? '' : String(row.pool),
    row.rowLevelSecurity === null ? '' : row.rowLevelSecurity ? 'on' : 'off',
    row.route === 'ceiling' ? 'bare route (ceiling)' : row.route === 'floor' ? 'audited, no read (floor)' : row.route === 'list' ? 'library page, 50' : 'search ?q=smuggling',
    String(row.measurement.connections),
    String(row.measurement.requestsPerSecond),
    String(row.measurement.p50),
    String(row.measurement.p99),
    percent(row.ofCeiling),
    percent(row.rlsCost),
    percent(row.rlsLatencyCost),
    row.measurement.serverCores.toFixed(2),
    Number.isNaN(row.measurement.serverCpuMsPerRequest) ? '' : row.measurement.serverCpuMsPerRequest.toFixed(2),
    percent(row.measurement.machineBusy, 0),
    `${row.measurement.non2xx}/${row.measurement.errors + row.measurement.timeouts}`,
    percent(row.measurement.backgroundCpu, 0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: string[]): string => cells.map((cell, column) => (column >= 6 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

/**
 * The issue's goals: on PostgreSQL, at least 3,000 requests/s (or 70% of the ceiling when 3,000
 * lies above the ceiling) with p99 under 20 ms; row-level security costing at most 15%.
 */
export function checkGoals(rows: Row[]): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const row of rows) {
    if (row.route !== 'list' || row.rowLevelSecurity !== true) continue;
    const ceiling = row.measurement.requestsPerSecond / (row.ofCeiling || 1);
    const where = { database: row.database, documents: row.documents, pool: row.pool };
    if (row.database === 'postgres') {
      const target = ceiling < 3000 ? Math.round(0.7 * ceiling) : 3000;
      const rule = ceiling < 3000 ? `70% of the ceiling (${Math.round(ceiling)} req/s) = ${target}` : '3,000';
      checks.push({
        ...where,
        goal: `≥ ${rule} req/s`,
        met: row.measurement.requestsPerSecond >= target,
        detail: `${row.measurement.requestsPerSecond} req/s (${percent(row.ofCeiling)} of ceiling)`,
      });
      checks.push({ ...where, goal: 'p99 < 20 ms', met: row.measurement.p99 < 20, detail: `p99 ${row.measurement.p99} ms` });
    }
    if (row.rlsCost !== null) {
      checks.push({ ...where, goal: 'RLS costs ≤ 15%', met: row.rlsCost <= 0.15, detail: `${percent(row.rlsCost)} of req/s; p50 ${percent(row.rlsLatencyCost)}` });
    }
  }
  return checks;
}

export function goalsText(checks: GoalCheck[]): string {
  return checks
    .map((check) => `${check.met ? 'MET    ' : 'NOT MET'}  ${check.database} ${check.documents.toLocaleString('en-US')} docs${check.pool === null ? '' : `, pool ${check.pool}`}: ${check.goal} — ${check.detail}`)
    .join('\n');
}
