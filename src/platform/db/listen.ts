import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

/** What `onLost` is given once a lost connection is listening again (anything else: it was lost). */
export class Reconnected extends Error {
  constructor() {
    super('reconnected');
  }
}

/**
 * Listens on a PostgreSQL channel over a connection of its own (a pooled connection cannot keep a
 * LISTEN). Notifications arrive after their transaction commits, in commit order. When the
 * connection drops, `onLost` is told (the caller reloads what it may have missed) and a new
 * connection is tried every few seconds until `close`; once one listens, `onLost` is told again
 * with a `Reconnected`.
 */
export async function listen(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  onLost: (error: unknown) => void = () => undefined,
  retryMs = 3000,
): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    next.on('error', (error) => {
      if (closed || client !== next) return;
      client = undefined;
      void next.end().catch(() => undefined);
      onLost(error);
      scheduleRetry();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
  };
  const scheduleRetry = (): void => {
    if (closed) return;
    retry = setTimeout(() => {
      connect().then(
        () => onLost(new Reconnected()),
        () => scheduleRetry(),
      );
    }, retryMs);
    retry.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
