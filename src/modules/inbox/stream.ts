import type { ServerResponse } from 'node:http';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { closeInboxHub, inboxHubOf } from '../../platform/notify/live.js';
import { countUnread } from './unread.js';

/** A stream ends after this long; the browser's EventSource opens it again, signed in afresh. */
const STREAM_MS = 15 * 60_000;
const KEEP_ALIVE_MS = 25_000;

/**
 * `GET /inbox/stream`: the user's unread count as server-sent events, at once and again after every
 * committed change to the user's inbox (a new notification, one marked read), without polling.
 */
export function streamRoute(app: App, platform: Platform): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const raw of open) raw.end();
  });
  app.addHook('onClose', async () => {
    await closeInboxHub(platform.db);
  });

  app.get('/inbox/stream', {
    config: { action: 'inbox.read' },
    schema: {
      tags: ['inbox'],
      summary: 'Your unread count, live (server-sent events)',
      description: 'text/event-stream: `event: unread` with `data: {"unread": n}` at once and after every change to your inbox; a comment line every 25 s keeps it open; it ends after 15 minutes (EventSource reconnects).',
      response: { 200: Type.Unsafe<string>({ type: 'string', description: 'text/event-stream' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const count = () => perform(request, (ctx) => countUnread(ctx), { read: true });
    // Refusals and errors before the stream opens are ordinary problem answers.
    let last = await count();
    const userId = request.actor?.userId ?? '';
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': request.id, 'x-accel-buffering': 'no', connection: 'close' });
    raw.write(`retry: 2000\nevent: unread\ndata: ${JSON.stringify({ unread: last })}\n\n`);
    open.add(raw);
    let counting = false;
    let again = false;
    const wake = (): void => {
      if (counting) {
        again = true;
        return;
      }
      counting = true;
      count()
        .then((unread) => {
          if (unread !== last && !raw.writableEnded) raw.write(`event: unread\ndata: ${JSON.stringify({ unread })}\n\n`);
          last = unread;
        })
        .catch(() => raw.end())
        .finally(() => {
          counting = false;
          if (again) {
            again = false;
            wake();
          }
        });
    };
    const unsubscribe = await inboxHubOf(platform.db).subscribe(userId, wake);
    // A change between the first count and listening: count once more.
    wake();
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const end = setTimeout(() => raw.end(), STREAM_MS);
    raw.on('close', () => {
      open.delete(raw);
      unsubscribe();
      clearInterval(keepAlive);
      clearTimeout(end);
    });
  });
}
