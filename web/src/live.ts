/**
 * The user's unread count, live: an EventSource on GET /api/v1/inbox/stream (server-sent events,
 * `event: unread` with `{"unread": n}` at once and after every change), never polling. The browser
 * reconnects by itself after a dropped connection; a stream it gave up on (an error answer) is opened
 * again after a growing pause. While the tab is hidden the stream is closed, and opened again when it
 * shows (the count comes at once).
 */
const STREAM = '/api/v1/inbox/stream';
const FIRST_PAUSE_MS = 2_000;
const LONGEST_PAUSE_MS = 60_000;

/** Opens the stream; `onUnread` gets each count, and null while no stream is open. Returns the function that closes it for good. */
export function followUnread(onUnread: (unread: number | null) => void): () => void {
  let source: EventSource | null = null;
  let timer: number | undefined;
  let pause = FIRST_PAUSE_MS;
  let ended = false;

  const close = (): void => {
    window.clearTimeout(timer);
    timer = undefined;
    source?.close();
    source = null;
    onUnread(null);
  };

  const open = (): void => {
    if (ended || source || document.hidden) return;
    const stream = new EventSource(STREAM, { withCredentials: true });
    source = stream;
    stream.addEventListener('unread', (event) => {
      pause = FIRST_PAUSE_MS;
      const data = JSON.parse((event as MessageEvent<string>).data) as { unread?: unknown };
      if (typeof data.unread === 'number') onUnread(data.unread);
    });
    stream.addEventListener('error', () => {
      // CONNECTING: the browser tries again itself. CLOSED: it gave up (e.g. an error answer); so do we, for a while.
      if (stream.readyState !== EventSource.CLOSED || source !== stream) return;
      close();
      timer = window.setTimeout(open, pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    });
  };

  const onVisibility = (): void => {
    if (document.hidden) close();
    else open();
  };

  document.addEventListener('visibilitychange', onVisibility);
  open();
  return () => {
    ended = true;
    document.removeEventListener('visibilitychange', onVisibility);
    close();
  };
}
