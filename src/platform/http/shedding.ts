import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../context.js';
import { Problem } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How the route fares under overload: `late` (sign-in) is shed only when the database's queue
     * holds twice the bound, and never for the event loop's delay, so people can still sign in
     * while data routes are refused.
     */
    shedding?: 'late';
  }
  interface FastifyInstance {
    /** What load shedding has refused so far, and the signals it reads (http/shedding.ts). */
    shedding: {
      stats(): SheddingStats;
      /**
       * Since the last call (benchmarks): the most transactions seen waiting as a request arrived, the
       * highest window's mean event-loop delay, and the longest single stall of the event loop.
       */
      takePeaks(): { waiting: number; eventLoopDelayMs: number; eventLoopStallMs: number };
    };
  }
}

export interface SheddingStats {
  /** API requests answered 503 because the process was overloaded, since it started. */
  shed: number;
  /** Of them, refused for the database's queue. */
  byQueue: number;
  /** Of them, refused for the event loop's delay. */
  byEventLoop: number;
  /** Transactions waiting for a database connection now. */
  waiting: number;
  /** The event loop's mean delay over the last sample window, in milliseconds. */
  eventLoopDelayMs: number;
}

/** How long a refused client is asked to wait before it sends again. */
export const SHED_RETRY_AFTER_SECONDS = 2;
/** The event loop's delay is its mean over windows of this length. */
const SAMPLE_MS = 1000;
const RESOLUTION_MS = 10;
/** At most one log line about shed requests in this time. */
const LOG_EVERY_MS = 1000;

/**
 * Past this many times the queue's bound, requests are shed whether the queue stood long or not, so
 * no burst queues without bound. Sixteen let a soak's stalls wait, but under overload the requests
 * let in waited 12-24 s (bench/README.md, "Load that holds"): four keeps them under a second or two.
 */
export const HARD_BOUND_FACTOR = 4;

/**
 * Load shedding: when the process is overloaded, an API request is answered `503` problem+json with
 * `Retry-After` as it arrives, before authentication, so it reads and writes nothing, instead of
 * joining a queue that grows without bound. Overloaded means the database's queue (transactions
 * waiting for a connection: every request's work stands in it when the database is what bounds the
 * rate) holds `shedQueue` or more and has for `shedStandingMs` (a standing queue, as CoDel tells one
 * from a burst: a checkpoint's or a vacuum's stall that drains within it costs waits, not refusals),
 * or holds four times `shedQueue` (at once, so no burst queues without bound); or the event loop's
 * mean delay reached `shedEventLoopMs` in each of the last two seconds (the process's own CPU is what
 * bounds it; off unless set). Only `/api/v1/` is shed: `/healthz`, `/readyz` and the web app's files
 * never are; sign-in (`shedding: 'late'`) only past twice those numbers. Each refusal is counted
 * (`app.shedding.stats()`) and logged, one line a second at most.
 */
export function registerShedding(app: FastifyInstance, platform: Platform): void {
  const { shedQueue, shedStandingMs, shedEventLoopMs } = platform.config;
  // Since when every request has found the queue at the bound or more (undefined: the last one found it shorter).
  let standingSince: number | undefined;
  const counts = { shed: 0, byQueue: 0, byEventLoop: 0 };
  // The mean delay of the last two windows: the signal needs both past the limit, so one long
  // stall (a large synchronous job, which the sampler sees as one window) sheds nothing.
  let delayMs = 0;
  let previousDelayMs = 0;
  const peaks = { waiting: 0, eventLoopDelayMs: 0, eventLoopStallMs: 0 };
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const sampler = setInterval(() => {
    // The histogram records each timer tick's whole interval: what passes the resolution is delay.
    previousDelayMs = delayMs;
    delayMs = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS) : 0;
    peaks.eventLoopDelayMs = Math.max(peaks.eventLoopDelayMs, delayMs);
    if (histogram.count > 0) peaks.eventLoopStallMs = Math.max(peaks.eventLoopStallMs, histogram.max / 1e6 - RESOLUTION_MS);
    histogram.reset();
  }, SAMPLE_MS);
  sampler.unref();
  app.addHook('onClose', () => {
    clearInterval(sampler);
    histogram.disable();
  });

  let unlogged = 0;
  let loggedAt = 0;
  const record = (request: FastifyRequest, reason: 'queue' | 'event-loop', waiting: number): void => {
    counts.shed++;
    if (reason === 'queue') counts.byQueue++;
    else counts.byEventLoop++;
    unlogged++;
    const now = Date.now();
    if (now - loggedAt >= LOG_EVERY_MS) {
      request.log.warn({ shed: unlogged, reason, waiting, eventLoopDelayMs: Math.round(delayMs), total: counts.shed }, 'overloaded: API requests answered 503 (load shed)');
      unlogged = 0;
      loggedAt = now;
    }
  };

  app.decorate('shedding', {
    stats: (): SheddingStats => ({ ...counts, waiting: platform.db.waiting(), eventLoopDelayMs: Math.round(delayMs) }),
    takePeaks: () => {
      const taken = { waiting: peaks.waiting, eventLoopDelayMs: Math.round(peaks.eventLoopDelayMs), eventLoopStallMs: Math.round(peaks.eventLoopStallMs) };
      peaks.waiting = 0;
      peaks.eventLoopDelayMs = 0;
      peaks.eventLoopStallMs = 0;
      return taken;
    },
  });
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const late = request.routeOptions.config.shedding === 'late';
    const waiting = platform.db.waiting();
    if (waiting > peaks.waiting) peaks.waiting = waiting;
    let reason: 'queue' | 'event-loop' | undefined;
    const now = performance.now();
    if (waiting < shedQueue) standingSince = undefined;
    else standingSince ??= now;
    const bound = late ? 2 * shedQueue : shedQueue;
    if (shedQueue > 0 && (waiting >= HARD_BOUND_FACTOR * bound || (waiting >= bound && now - standingSince! >= shedStandingMs))) reason = 'queue';
    else if (!late && shedEventLoopMs > 0 && Math.min(delayMs, previousDelayMs) >= shedEventLoopMs) reason = 'event-loop';
    if (reason === undefined) return;
    record(request, reason, waiting);
    throw new Problem(503, 'Server busy', `The server has more work than it can take on now; send the request again in ${SHED_RETRY_AFTER_SECONDS} seconds.`, undefined, undefined, {
      'retry-after': String(SHED_RETRY_AFTER_SECONDS),
    });
  });
}
