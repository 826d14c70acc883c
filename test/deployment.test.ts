import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_EMAILS, DEMO_TOTP_SECRET } from '../src/demo/seed.js';
import { totpCode } from '../src/platform/auth/totp.js';
import { makeTestDataFolder, TEST_DB_KIND } from './support/db.js';
import { DEMO_DATA_KEY, openDemoDatabase, pgliteDemoDump } from './support/demo-template.js';
import { freePort, spawnServer, type ServerProcess } from './support/processes.js';
import { makeCertificates } from './support/tls.js';

// The deployment recipe run for real, without Docker (ASVS 1.14.4): Caddy with the recipe's own
// Caddyfile in front of Lintas processes set up as compose.yaml sets them up (production, HTTPS on
// the inner hop with the inner authority's certificate for the name lintas, one proxy trusted), on the
// leg's database with the demo. Then what a member's browser meets is checked through the proxy: HTTPS
// only, the security headers, the session cookie, the client's address as the proxy saw it, compression
// but not of the event stream, and (on a PostgreSQL server, which several processes can share) one
// session honoured by each process, with no read or write lost while one of them stops.
//
// What differs from `docker compose up`, on purpose: Debian's Caddy (2.6) instead of the caddy:2
// image, which names the trust pool of the inner hop `tls_trusted_ca_certs` where 2.8 and later write
// `tls_trust_pool file`; the site's certificate comes from Caddy's own local authority instead of
// Let's Encrypt (no internet here); the ports are free ones instead of 80 and 443; the upstreams are
// the processes' loopback addresses instead of the names lintas-1 and lintas-2.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOMAIN = 'lintas.test';
const caddyVersion = /^v?(\d+)\.(\d+)\./m.exec(spawnSync('caddy', ['version'], { encoding: 'utf8' }).stdout ?? '');
if (!caddyVersion) console.warn("The deployment behind its proxy: skipped, no caddy on this machine (apt-get install caddy; .ci/run installs it).");
const SEVERAL = TEST_DB_KIND === 'postgres';
if (!SEVERAL) console.warn('The deployment behind its proxy: one process on the embedded database (it has one connection); several processes sharing one database are tested on the PostgreSQL leg.');

/** The recipe's Caddyfile as this test runs it: the differences the header names, and nothing else. */
function testCaddyfile(recipe: string, options: { upstreams: string[]; innerCa: string; httpPort: number; httpsPort: number; trustPool: boolean }): string {
  const upstreams = recipe.replace(/^(\s*reverse_proxy)\s+[^{]+\{/m, (_whole, directive: string) => `${directive} ${options.upstreams.join(' ')} {`);
  const pool = upstreams.replace('/etc/caddy/internal-ca.crt', options.innerCa);
  const site = options.trustPool ? pool : pool.replace(/^(\s*)tls_trust_pool file (\S+)$/m, '$1tls_trusted_ca_certs $2');
  const global = ['{', '\tadmin off', `\thttp_port ${options.httpPort}`, `\thttps_port ${options.httpsPort}`, '\tlocal_certs', '\tskip_install_trust', '}', ''];
  return `${global.join('\n')}\n${site}`;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  protocol: string;
  names: string;
}

let folder: string;
let httpPort: number;
let httpsPort: number;
let siteCa: string;
let caddy: ChildProcess | undefined;
let caddyLog = '';
const processes: ServerProcess[] = [];
let closeDatabase: (() => Promise<void>) | undefined;
let processEnv: Record<string, string>;
let certificates: ReturnType<typeof makeCertificates> | undefined;

/** A request to the site through the proxy, as a browser on the member's network makes it. */
function site(path: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        servername: DOMAIN,
        ca: siteCa,
        agent: false,
        method: options.method ?? 'GET',
        path,
        headers: { host: `${DOMAIN}:${httpsPort}`, ...(body ? { 'content-type': 'application/json', origin: `https://${DOMAIN}:${httpsPort}` } : {}), ...options.headers },
      },
      (response) => {
        const socket = response.socket;
        if (!(socket instanceof tls.TLSSocket)) throw new Error('the answer came over a plain socket');
        const protocol = socket.getProtocol() ?? '';
        const names = socket.getPeerCertificate().subjectaltname ?? '';
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('latin1'), protocol, names }));
        response.on('error', reject);
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error(`no answer to ${path} within 30 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

interface Session {
  cookie: string;
  csrf: string;
}

/** The session cookie a response set, as `name=value`. */
function cookieOf(answer: Answer): string {
  const set = (answer.headers['set-cookie'] ?? []).find((line) => line.startsWith('__Host-lintas_session='));
  expect(set, JSON.stringify(answer.headers['set-cookie'])).toBeDefined();
  return set!.split(';')[0]!;
}

/**
 * Signs a demo user in through the proxy, password then second factor, as the web app does. Each test
 * signs in a user of its own: a second factor's code is taken once (the same code again within its 30
 * seconds is refused as reused).
 */
async function signIn(user: number, headers: Record<string, string> = {}): Promise<{ session: Session; first: Answer }> {
  const first = await site('/api/v1/auth/sign-in', { method: 'POST', body: { email: DEMO_TOTP_EMAILS[user], password: DEMO_PASSWORD }, headers });
  expect(first.status, first.body).toBe(200);
  expect(JSON.parse(first.body)).toEqual({ stage: 'totp' });
  const waiting = cookieOf(first);
  const pending = await site('/api/v1/auth/session', { headers: { cookie: waiting } });
  const verified = await site('/api/v1/auth/totp', {
    method: 'POST',
    body: { code: totpCode(DEMO_TOTP_SECRET) },
    headers: { ...headers, cookie: waiting, 'x-csrf-token': (JSON.parse(pending.body) as { csrfToken: string }).csrfToken },
  });
  expect(verified.status, verified.body).toBe(200);
  const cookie = cookieOf(verified);
  const me = await site('/api/v1/auth/session', { headers: { cookie } });
  expect(me.status, me.body).toBe(200);
  return { session: { cookie, csrf: (JSON.parse(me.body) as { csrfToken: string }).csrfToken }, first };
}

async function startProcess(): Promise<ServerProcess> {
  const started = await spawnServer(['--no-demo'], processEnv);
  processes.push(started);
  return started;
}

async function startCaddy(): Promise<void> {
  const recipe = readFileSync(join(ROOT, 'deploy', 'Caddyfile'), 'utf8');
  const [, major, minor] = caddyVersion!;
  const config = testCaddyfile(recipe, {
    upstreams: processes.map((one) => one.url),
    innerCa: certificates!.caFile,
    httpPort,
    httpsPort,
    trustPool: Number(major) > 2 || Number(minor) >= 8,
  });
  writeFileSync(join(folder, 'Caddyfile'), config);
  const { PATH } = process.env;
  caddy = spawn('caddy', ['run', '--config', join(folder, 'Caddyfile'), '--adapter', 'caddyfile'], {
    cwd: folder,
    env: { PATH, HOME: folder, XDG_DATA_HOME: join(folder, 'data'), XDG_CONFIG_HOME: join(folder, 'config'), LINTAS_DOMAIN: DOMAIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  caddy.stdout?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
  caddy.stderr?.on('data', (chunk: Buffer) => (caddyLog += chunk.toString()));
  // Its local authority's root is written once the site's certificate is made; then the site answers.
  const root = join(folder, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  for (let waited = 0; ; waited += 250) {
    if (caddy.exitCode !== null) throw new Error(`caddy exited (${String(caddy.exitCode)}):\n${caddyLog}`);
    try {
      siteCa = readFileSync(root, 'utf8');
      if ((await site('/healthz')).status === 200) return;
    } catch {
      // Not yet.
    }
    if (waited > 60_000) throw new Error(`the site did not answer through caddy within a minute:\n${caddyLog}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!caddyVersion)(`the deployment recipe behind its proxy, on ${TEST_DB_KIND}`, () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lintas-deployment-'));
    certificates = makeCertificates(['lintas']);
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    // As compose.yaml sets it: a stopping process fails /readyz that long while it still serves.
    const drain = /^\s+LINTAS_SHUTDOWN_DRAIN_SECONDS: "(\d+)"$/m.exec(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'))?.[1];
    expect(drain).toBeDefined();
    processEnv = {
      LINTAS_SHUTDOWN_DRAIN_SECONDS: drain!,
      LINTAS_DATA_KEY: DEMO_DATA_KEY,
      LINTAS_PUBLIC_URL: `https://${DOMAIN}:${httpsPort}`,
      LINTAS_TRUST_PROXY: 'true',
      LINTAS_TLS_CERT: join(certificates.folder, 'lintas.crt'),
      LINTAS_TLS_KEY: join(certificates.folder, 'lintas.key'),
    };
    if (SEVERAL) {
      const database = await openDemoDatabase();
      closeDatabase = () => database.close();
      processEnv.DATABASE_URL = database.url!;
      if (database.appUrl) processEnv.DATABASE_APP_URL = database.appUrl;
      processEnv.LINTAS_DATA = '/nonexistent-lintas-data';
    } else {
      await makeTestDataFolder(join(folder, 'lintas-data'), await pgliteDemoDump());
      processEnv.LINTAS_DATA = join(folder, 'lintas-data');
    }
    await startProcess();
    if (SEVERAL) await startProcess();
    await startCaddy();
  }, 300_000);

  afterAll(async () => {
    if (caddy && caddy.exitCode === null) {
      const exited = new Promise((resolve) => caddy!.once('exit', resolve));
      caddy.kill('SIGTERM');
      await exited;
    }
    for (const one of processes) await one.stop();
    await closeDatabase?.();
    certificates?.remove();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 120_000);

  test('the Lintas processes speak only HTTPS, with the certificate for the name the proxy checks', async () => {
    for (const one of processes) {
      expect(one.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // Plain HTTP to a process gets no answer: the inner hop is TLS or nothing.
      const plain = await new Promise<number | string>((resolve) => {
        const request = http.get(one.url.replace('https:', 'http:') + '/healthz', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(plain).not.toBe(200);
    }
  });

  test('the site is HTTPS for its domain (TLS 1.3), and plain HTTP is sent there', async () => {
    const health = await site('/healthz');
    expect(health.status).toBe(200);
    expect(health.protocol).toBe('TLSv1.3');
    expect(health.names).toContain(`DNS:${DOMAIN}`);
    const plain = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: httpPort, path: '/healthz?x=1', headers: { host: DOMAIN }, agent: false }, (response) => {
        response.resume();
        resolve(response);
      }).on('error', reject);
    });
    expect(plain.statusCode).toBe(308);
    // To the same path on HTTPS (Caddy 2.6 leaves out a port other than 443, which the recipe uses).
    const to = new URL(String(plain.headers.location));
    expect([to.protocol, to.hostname, to.pathname, to.search]).toEqual(['https:', DOMAIN, '/healthz', '?x=1']);
  });

  test('the security headers Lintas sets reach the browser through the proxy, and no header names a version', async () => {
    const page = await site('/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain('upgrade-insecure-requests');
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-powered-by']).toBeUndefined();
    for (const [name, value] of Object.entries(page.headers)) if (name === 'server' || name === 'via') expect(String(value), name).not.toMatch(/\d/);
  });

  test('sign-in through the proxy: the session cookie is __Host-, Secure, HttpOnly and SameSite=Strict, and the session keeps the address the proxy saw, not one the client wrote', async () => {
    const { session, first } = await signIn(0, { 'x-forwarded-for': '203.0.113.9' });
    const set = (first.headers['set-cookie'] ?? []).find((line) => line.startsWith('__Host-lintas_session='))!;
    expect(set).toMatch(/; Path=\/(;|$)/);
    expect(set).toMatch(/; Secure(;|$)/);
    expect(set).toMatch(/; HttpOnly(;|$)/);
    expect(set).toMatch(/; SameSite=Strict(;|$)/);
    expect(set).not.toMatch(/; Domain=/i);
    const listed = await site('/api/v1/account/sessions', { headers: { cookie: session.cookie } });
    expect(listed.status, listed.body).toBe(200);
    const current = (JSON.parse(listed.body) as { data: { address: string | null; current: boolean }[] }).data.find((one) => one.current);
    expect(current?.address).toBe('127.0.0.1');
  });

  test('pages and assets are compressed, the live inbox count is not held back by it', async () => {
    const page = await site('/', { headers: { 'accept-encoding': 'zstd, gzip' } });
    const asset = /src="(\/assets\/index-[\w-]+\.js)"/.exec((await site('/')).body)![1]!;
    const script = await site(asset, { headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('zstd');
    expect(script.headers['content-encoding']).toBe('gzip');
    const { session } = await signIn(1);
    // The event stream's first event arrives at once, uncompressed, although the client takes gzip.
    const first = await new Promise<{ status: number; encoding: string | undefined; type: string | undefined; chunk: string }>((resolve, reject) => {
      const request = https.get(
        { host: '127.0.0.1', port: httpsPort, servername: DOMAIN, ca: siteCa, agent: false, path: '/api/v1/inbox/stream', headers: { host: `${DOMAIN}:${httpsPort}`, cookie: session.cookie, 'accept-encoding': 'gzip' } },
        (response) => {
          response.once('data', (chunk: Buffer) => {
            resolve({ status: response.statusCode ?? 0, encoding: response.headers['content-encoding'], type: response.headers['content-type'], chunk: chunk.toString() });
            request.destroy();
          });
        },
      );
      request.setTimeout(10_000, () => request.destroy(new Error('the event stream sent nothing within 10 s')));
      request.on('error', reject);
    });
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^text\/event-stream/);
    expect(first.encoding).toBeUndefined();
    expect(first.chunk).toMatch(/^(event|data|:|retry|id)/m);
  });

  test.skipIf(!SEVERAL)('each process honours a session another opened, and no read or write is lost while one of them stops', async () => {
    const { session } = await signIn(2);
    const read = () => site('/api/v1/members', { headers: { cookie: session.cookie } });
    let written = 0;
    const write = () =>
      site('/api/v1/linkage/leads', {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
        body: { title: `Written while a process stops ${String(++written)}`, subject: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } },
      });
    const leads: string[] = [];
    // Stop each process in turn (the other one answering alone), then start it again.
    for (const index of [0, 1]) {
      const stopping = processes[index]!;
      const answers: Answer[] = [];
      let going = true;
      // A read and a write every 20 ms or so, as a few busy users make them (well under the rate limit per user).
      const load = (async () => {
        for (let n = 0; going; n++) {
          const answer = await (n % 2 === 0 ? read() : write());
          answers.push(answer);
          if (n % 2 === 1 && answer.status === 201) leads.push((JSON.parse(answer.body) as { data: { id: string } }).data.id);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stopping.stop();
      const after = answers.length;
      // The other process alone, for a while.
      while (answers.length < after + 50) await new Promise((resolve) => setTimeout(resolve, 20));
      going = false;
      await load;
      const failed = answers.filter((answer) => answer.status !== 200 && answer.status !== 201).map((answer) => `${String(answer.status)} ${answer.body.slice(0, 200)}`);
      const log = caddyLog.split('\n').filter((line) => line.includes('"error"')).slice(-6).join('\n');
      expect(failed, `${String(answers.length)} requests while process ${String(index + 1)} stopped:\n${log}`).toEqual([]);
      processes[index] = await spawnServer(['--no-demo'], { ...processEnv, PORT: new URL(stopping.url).port });
      // As an operator restarts one process at a time, each once the last is back: Caddy's check (every
      // 2 s) brings it back into rotation.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
    }
    // Every write acknowledged is there, read back through the proxy.
    expect(leads.length).toBeGreaterThan(40);
    for (const id of leads) expect((await site(`/api/v1/linkage/leads/${id}`, { headers: { cookie: session.cookie } })).status, id).toBe(200);
    expect((await read()).status).toBe(200);
  });
});
