/**
 * The app under test, in a child process of its own (bench/run.ts forks it), so the load
 * generator and the server do not share an event loop. It opens the database as the real server
 * does, builds the real app (logger off, rate limit out of the way), adds a bare route for the
 * machine's ceiling, listens on 127.0.0.1 on a free port and tells the parent which one.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { build } from '../src/app.js';
import { preparePlatform } from '../src/server.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database } from '../src/platform/db/database.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { perform } from '../src/platform/http/pipeline.js';
import { readEvent } from '../src/platform/audit/writer.js';
import { sql } from '../src/platform/db/sql.js';
import { AUDITED_PAGE_ROUTE, CONSTANT_ROUTE, type ServerAnswer, type ServerCommand, type ServerReady, type ServerSpec } from './server-spec.js';


async function open(spec: ServerSpec): Promise<Database> {
  const options = { rowLevelSecurity: spec.rowLevelSecurity };
  return spec.kind === 'postgres'
    ? PostgresDatabase.open(spec.location, { ...options, poolSize: spec.poolSize })
    : PgliteDatabase.open(spec.location, options);
}

async function main(): Promise<void> {
  const raw = process.env.BENCH_SERVER;
  if (!raw || !process.send) throw new Error('bench/server.ts is started by bench/run.ts');
  const spec = JSON.parse(raw) as ServerSpec;
  const db = await open(spec);
  // The data keys as the load made them (bench/data.ts seeds the demo with the environment's
  // configuration: LINTAS_DATA_KEY, or the key file of LINTAS_DATA or ./data).
  const config = {
    ...loadConfig(),
    rateLimitPerMinute: 1_000_000_000,
    logLevel: 'silent',
    databaseUrl: spec.kind === 'postgres' ? spec.location : undefined,
    databaseAppUrl: undefined,
  };
  const platform = await preparePlatform(db, config, { mailer: { configured: false, send: () => Promise.reject(new Error('no mail in the benchmark')) } });
  const app = await build({ platform, logger: false, webRoot: '/nonexistent' });
  app.get(CONSTANT_ROUTE, { schema: { hide: true } }, () => ({ ok: true }));
  // The newest 50 documents stand for a page: the floor's audit row names them as the list's would.
  const page = await db.ownerTransaction((tx) =>
    tx.query<{ id: string; owner: string }>(sql`SELECT id, owner FROM library_documents ORDER BY id DESC LIMIT 50`),
  );
  app.get(AUDITED_PAGE_ROUTE, { schema: { hide: true }, config: { action: 'library.read' } }, (request) =>
    perform(
      request,
      async (ctx) => {
        const event = readEvent('library.list', 'library-document', ctx.actor.member, page);
        if (event) await ctx.audit(event);
        return { ok: true };
      },
      { read: true },
    ),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');

  let closing = false;
  const stop = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await app.close();
    await db.close();
    process.exit(0);
  };
  // A CPU profile of the main thread over a window the parent chooses (the measured run only).
  const inspector = new Session();
  const answer = (message: ServerAnswer): void => void process.send?.(message);
  const onCommand = async (command: ServerCommand): Promise<void> => {
    switch (command.kind) {
      case 'stop':
        return stop();
      case 'profile-start':
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.start');
        return answer({ kind: 'profile-started' });
      case 'profile-stop': {
        const { profile } = await inspector.post('Profiler.stop');
        writeFileSync(command.path, JSON.stringify(profile));
        inspector.disconnect();
        return answer({ kind: 'profile-written' });
      }
    }
  };
  process.on('message', (message) => void onCommand(message as ServerCommand));
  process.on('disconnect', () => void stop());
  const ready: ServerReady = { port: address.port };
  process.send(ready);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
