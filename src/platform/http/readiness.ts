import type { FastifyInstance } from 'fastify';
import type { Platform } from '../context.js';
import type { Migration } from '../db/migrate.js';
import { sql } from '../db/sql.js';
import { Problem } from '../errors.js';
import { sendProblem } from './errors.js';

/** The servers that are stopping: their `/readyz` answers 503 while they still serve (`stopBeingReady`). */
const stopping = new WeakSet<FastifyInstance>();

/**
 * From now on `/readyz` answers 503: the process is stopping. It still serves every request, so
 * that a proxy's health check takes it out of rotation before it closes (server.ts, on SIGTERM, for
 * LINTAS_SHUTDOWN_DRAIN_SECONDS) instead of requests arriving as it closes being refused.
 */
export function stopBeingReady(app: FastifyInstance): void {
  stopping.add(app);
}

/**
 * `/healthz`: the process is up. `/readyz`: it can serve: the database answers under the
 * application's role, and every migration this code expects is applied, unedited. Otherwise 503
 * problem+json saying which, so a load balancer sends no traffic to a process on a database it
 * cannot use (one restored from an older backup, say).
 */
export function registerReadiness(app: FastifyInstance, platform: Platform, migrations: readonly Migration[]): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    if (stopping.has(app)) return sendProblem(reply, request, new Problem(503, 'Not ready', 'The process is stopping.'));
    let applied: Map<number, string>;
    try {
      await platform.db.transaction({ member: null }, (tx) => tx.execScript('SELECT 1'));
      const rows = await platform.db.ownerTransaction((tx) => tx.query<{ version: number; checksum: string }>(sql`SELECT version, checksum FROM schema_migrations`));
      applied = new Map(rows.map((row) => [row.version, row.checksum]));
    } catch {
      return sendProblem(reply, request, new Problem(503, 'Not ready', 'The database does not answer.'));
    }
    const missing = migrations.filter((migration) => applied.get(migration.version) !== migration.checksum).map((migration) => migration.name);
    if (missing.length > 0) {
      return sendProblem(reply, request, new Problem(503, 'Not ready', `The database lacks these migrations, or holds other versions of them: ${missing.join(', ')}. Run lintas migrate.`));
    }
    return { status: 'ready' };
  });
}
