/**
 * `npm run bench -- fanout`: one bulletin to every full member, with `--subscribers` (5,000) users
 * subscribed to bulletins by e-mail and one webhook endpoint per full member. Measures the time from
 * the issuing request until every e-mail is accepted by a local SMTP server and every webhook is
 * delivered to a local receiver, and the latency of other requests (a page of the bulletin list) during
 * the fan-out beside the same with no fan-out running, and the bare route's ceiling. See bench/README.md.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalSmtp } from '../test/support/mail.js';
import { startWebhookReceiver } from '../test/support/notify.js';
import type { FanoutReady, FanoutSpec } from './fanout-server.js';
import autocannon from 'autocannon';
import { measure, type Measurement } from './load.js';

const SERVER = fileURLToPath(new URL('./fanout-server.ts', import.meta.url));
const LIST = '/api/v1/bulletins?limit=20';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    subscribers: { type: 'string', default: '5000' },
    'database-url': { type: 'string' },
    window: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
  },
  strict: true,
});
const subscribers = Number(values.subscribers);
const windowSeconds = Number(values.window);
const connections = Number(values.connections);
/** Requests a second of the list while measuring its latency: steady traffic beside the fan-out, not a flood that starves it. */
const rate = Number(values.rate);
const log = (line: string): void => console.log(line);

const smtp = await startLocalSmtp();
const receiver = await startWebhookReceiver();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lintas-bench-fanout-'));
const spec: FanoutSpec = { dataDir, smtpPort: smtp.port, subscribers, ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}) };
const child = fork(SERVER, [], { env: { ...process.env, BENCH_FANOUT: JSON.stringify(spec), BENCH_RECEIVER: receiver.url }, execArgv: ['--import', 'tsx'] });
const ready = await new Promise<FanoutReady>((resolve, reject) => {
  child.once('message', (message) => resolve(message as FanoutReady));
  child.once('exit', (code) => reject(new Error(`the server exited (${code ?? 'signal'}) before it was ready`)));
});
const base = `http://127.0.0.1:${ready.port}`;
log(`${values['database-url'] ? 'PostgreSQL' : 'PGlite'}: ${ready.emails} subscribers, ${ready.webhooks} webhook endpoints; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

const options = { seconds: windowSeconds, connections, warmupSeconds: 1, quietPatienceSeconds: 0, serverPid: child.pid, headers: {} };
const row = (name: string, m: Measurement) => log(`${name.padEnd(34)} ${String(m.requestsPerSecond).padStart(6)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  max ${m.max} ms  (${m.non2xx} non-2xx, ${m.errors} errors)`);
/** The list's latency at a steady `rate` requests a second over `seconds`. */
async function steady(seconds: number): Promise<{ p50: number; p99: number; max: number; requests: number; non2xx: number }> {
  const result = await autocannon({ url: base + LIST, connections: 4, overallRate: rate, duration: seconds, headers: { cookie: ready.reader.cookie }, timeout: 30 });
  return { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, requests: result.requests.total, non2xx: result.non2xx };
}
const steadyRow = (name: string, m: Awaited<ReturnType<typeof steady>>) => log(`${name.padEnd(34)} ${rate} req/s asked, ${m.requests} answered  p50 ${m.p50} ms  p99 ${m.p99} ms  max ${m.max} ms  (${m.non2xx} non-2xx)`);
const ceiling = await measure(base, '/healthz', options);
row('bare route /healthz', ceiling);
const flat = await measure(base, LIST, { ...options, headers: { cookie: ready.reader.cookie } });
row('bulletin list, flat out, no fan-out', flat);
const quiet = await steady(windowSeconds * 2);
steadyRow('bulletin list, no fan-out', quiet);

// The fan-out: issue, then measure the list in windows until every message has arrived.
const started = Date.now();
const issued = await fetch(`${base}/api/v1/bulletins`, {
  method: 'POST',
  headers: { cookie: ready.liaison.cookie, 'x-csrf-token': ready.liaison.csrf, 'content-type': 'application/json' },
  body: JSON.stringify({ type: 'document-fraud-alert', title: 'Fan-out bench', body: 'Forged foils seen.', countries: ['IDN'], tags: ['visa-fraud'], sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } }),
});
if (issued.status !== 201) throw new Error(`issuing the bulletin: ${issued.status} ${await issued.text()}`);
const issueMs = Date.now() - started;
const done: { emails?: number; webhooks?: number } = {};
/** Messages to the subscribers (an e-mail to anyone else, such as a demo user's, is not the fan-out's). */
const toSubscribers = () => smtp.received.filter((mail) => mail.to.every((to) => to.endsWith('@fanout.bench')));
const poll = setInterval(() => {
  if (done.emails === undefined && toSubscribers().length >= ready.emails) done.emails = Date.now() - started;
  if (done.webhooks === undefined && receiver.received.length >= ready.webhooks) done.webhooks = Date.now() - started;
}, 50);
const during: Awaited<ReturnType<typeof steady>>[] = [];
while (done.emails === undefined || done.webhooks === undefined) {
  const m = await steady(windowSeconds);
  during.push(m);
  steadyRow(`bulletin list, fan-out window ${during.length}`, m);
  log(`  so far: ${toSubscribers().length}/${ready.emails} e-mails, ${receiver.received.length}/${ready.webhooks} webhooks, after ${Math.round((Date.now() - started) / 1000)} s`);
  if (Date.now() - started > 30 * 60_000) break;
}
clearInterval(poll);
log(`issuing request ${issueMs} ms; all ${toSubscribers().length}/${ready.emails} e-mails accepted after ${done.emails ?? 'never'} ms; all ${receiver.received.length}/${ready.webhooks} webhooks after ${done.webhooks ?? 'never'} ms`);
const recipients = toSubscribers().flatMap((mail) => mail.to);
const others = smtp.received.filter((mail) => !mail.to.every((to) => to.endsWith('@fanout.bench')));
log(`subscribers sent to: ${new Set(recipients).size} distinct of ${recipients.length} (duplicates: ${recipients.length - new Set(recipients).size}); other e-mails: ${others.length} (${others.map((mail) => `${mail.to.join(', ')}: ${mail.subject ?? ''}`).join('; ')})`);
const worstP99 = Math.max(...during.map((m) => m.p99));
log(`during the fan-out: worst window p99 ${worstP99} ms (no fan-out: ${quiet.p99} ms); load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

child.disconnect();
await new Promise((resolve) => child.once('exit', resolve));
await smtp.close();
await receiver.close();
rmSync(dataDir, { recursive: true, force: true });
