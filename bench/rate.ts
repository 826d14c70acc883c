/**
 * Load at a fixed offered rate, measured as wrk2 measures it (the soak bench, bench/soak.ts).
 *
 * autocannon's rate options do not do this (8.0.0, lib/httpClient.js and lib/run.js): a connection
 * sends up to `rate` requests at the start of each second and then waits for the next one, with one
 * request in flight per connection, so a slow answer delays the requests behind it and they are never
 * sent at their time; and its correction for coordinated omission records each latency "with an
 * expected interval" of `Math.ceil(1 / rate)`, which is 1 (ms) for any rate of one a second or more,
 * so it adds made-up samples of 1 ms, 2 ms, ... under every answer instead of the requests that were
 * not sent. Here every request has an intended send time on an even schedule (`1000 / rate` ms
 * apart), it is sent then on a free keep-alive connection (or waits in the client's queue for one),
 * and its latency runs from the intended time to the end of the answer: time a request spent waiting
 * because the server was slow counts, as it would for a real client.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** The body of the i-th request (POST). */
  body?: (i: number) => string;
  /** The statuses counted as success (default 2xx). */
  ok?: (status: number) => boolean;
}

export interface Sample {
  /** Intended send time, ms since the run started. */
  at: number;
  /** ms from the intended send time to the end of the answer. */
  latency: number;
  /** HTTP status, or 0 for a failed connection or a timeout. */
  status: number;
  /** The answer carried Retry-After. */
  retryAfter: boolean;
}

const TIMEOUT_MS = 30_000;

/** Keep-alive connections to one server, at most `maxSockets` at once (further requests wait in the client). */
export class Client {
  private readonly agent: http.Agent;
  private sent = 0;

  constructor(
    private readonly base: URL,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** Sends the target's next request; resolves with its status (0: failed) once the answer has been read. */
  send(target: Target): Promise<{ status: number; retryAfter: boolean }> {
    const i = this.sent++;
    const body = target.body?.(i);
    return new Promise((resolve) => {
      const request = http.request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method: target.method,
          path: target.path,
          headers: { ...target.headers, ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) },
          timeout: TIMEOUT_MS,
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] !== undefined }));
          response.on('error', () => resolve({ status: 0, retryAfter: false }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', () => resolve({ status: 0, retryAfter: false }));
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * Samples kept in columns of typed arrays: an hour's soak takes millions, and as objects they made
 * the bench's own garbage collections stall it for up to 455 ms (then it sent what was late as one
 * burst), which the server was charged with.
 */
export class SampleLog {
  private at = new Float64Array(1024);
  private latency = new Float64Array(1024);
  private status = new Uint16Array(1024);
  private retryAfter = new Uint8Array(1024);
  length = 0;

  push(sample: Sample): void {
    if (this.length === this.at.length) this.grow(this.length * 2);
    const i = this.length++;
    this.at[i] = sample.at;
    this.latency[i] = sample.latency;
    this.status[i] = sample.status;
    this.retryAfter[i] = sample.retryAfter ? 1 : 0;
  }

  get(i: number): Sample {
    return { at: this.at[i] ?? 0, latency: this.latency[i] ?? 0, status: this.status[i] ?? 0, retryAfter: this.retryAfter[i] === 1 };
  }

  *[Symbol.iterator](): IterableIterator<Sample> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** One log of all of `logs`' samples. */
  static concat(logs: Iterable<SampleLog>): SampleLog {
    const all = new SampleLog();
    for (const log of logs) for (let i = 0; i < log.length; i++) all.push(log.get(i));
    return all;
  }

  private grow(size: number): void {
    this.at = copied(this.at, new Float64Array(size));
    this.latency = copied(this.latency, new Float64Array(size));
    this.status = copied(this.status, new Uint16Array(size));
    this.retryAfter = copied(this.retryAfter, new Uint8Array(size));
  }
}

/** `into`, holding `from`'s values first. */
function copied<T extends Float64Array | Uint16Array | Uint8Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/**
 * Offers `rate` requests a second of `target` for `seconds`, on the even schedule, and returns one
 * sample per request (after every answer is in). `origin` is the time the samples' `at` counts from.
 * Only a count of the requests in flight is kept, not their promises (an hour's would be millions).
 */
export async function offer(client: Client, target: Target, rate: number, seconds: number, origin = performance.now()): Promise<SampleLog> {
  const interval = 1000 / rate;
  const total = Math.max(1, Math.floor(rate * seconds));
  const start = performance.now();
  const samples = new SampleLog();
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      const intended = start + next * interval;
      inFlight++;
      void client.send(target).then(({ status, retryAfter }) => {
        samples.push({ at: intended - origin, latency: performance.now() - intended, status, retryAfter });
        if (--inFlight === 0) drained?.();
      });
      next++;
    }
    await tick();
  }
  if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
  return samples;
}

/** Drives `target` as fast as `connections` concurrent requests go (closed loop) for `seconds`: the saturation. */
export async function saturate(client: Client, target: Target, connections: number, seconds: number): Promise<{ rate: number; ok: number; failed: number; p50: number; p99: number }> {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let failed = 0;
  const good = target.ok ?? ((status: number) => status >= 200 && status < 300);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const { status } = await client.send(target);
        if (good(status)) latencies.push(performance.now() - sent);
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { rate: latencies.length / elapsed, ok: latencies.length, failed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** The q-quantile of `values` (nearest rank), NaN when there are none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
