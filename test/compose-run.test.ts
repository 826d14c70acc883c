import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/demo/seed.js';
import { MODULES } from '../src/modules/index.js';
import { migrationsOf } from '../src/platform/module.js';
import { totpCode } from '../src/platform/auth/totp.js';

// The deployment recipe itself, with a Docker engine: the image built from this checkout's Dockerfile,
// then `compose.yaml` brought up as the README says (its .env, its secrets, deploy/make-certs.sh), and
// what a member and an operator meet checked through Caddy on port 443. Only on request, since it needs
// a Docker engine, the recipe's images and ports 80 and 443 free, and takes minutes:
//
//   LINTAS_TEST_COMPOSE=1 npx vitest run test/compose-run.test.ts
//
// LINTAS_TEST_DOCKER names the Docker client (default `docker`; BuildKit builds need buildx, or
// Docker 20.10's own client with DOCKER_BUILDKIT=1); LINTAS_TEST_NODE_IMAGE the base image (the
// Dockerfile's NODE_IMAGE). What differs from production, on purpose: the site's certificate comes from
// Caddy's local authority (no public name here), and mail stays queued in the relay (no way out).
// Everything else (the images, the inner network's TLS, the serving login, the scanner, the two
// processes and their restarts) is the recipe's.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WANTED = process.env.LINTAS_TEST_COMPOSE === '1';
const DOCKER = process.env.LINTAS_TEST_DOCKER || 'docker';
const DOMAIN = 'lintas.example.org';
const PROJECT = 'lintascomposetest';
const IMAGE_TAG = 'compose-test';
/** The EICAR test file, which every virus scanner reports (and the recipe's ClamAV among them). */
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** Runs a command to its end without blocking the test's thread (a build takes minutes). */
function run(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, out: `${out}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

const answered = WANTED ? spawnSync(DOCKER, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 30_000 }) : undefined;
const engine = { code: answered?.status ?? -1, out: `${answered?.stdout ?? ''}${answered?.stderr ?? ''}` };
if (!WANTED) console.warn('The recipe under Docker Compose: skipped (LINTAS_TEST_COMPOSE=1 runs it where a Docker engine is).');
else if (engine.code !== 0) console.warn(`The recipe under Docker Compose: skipped, no Docker engine answers: ${engine.out.trim()}`);
const READY = WANTED && engine.code === 0;

/** `docker compose` where the plugin is, else the standalone `docker-compose`. */
const composeCommand = async (): Promise<string[]> => ((await run(DOCKER, ['compose', 'version'])).code === 0 ? [DOCKER, 'compose'] : ['docker-compose']);

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe.skipIf(!READY)('the recipe under Docker Compose', () => {
  let project: string;
  let compose: string[];
  let caddyCa = '';
  let cookie = '';
  let csrf = '';

  const dc = (args: readonly string[], timeout?: number) => {
    const [command, ...prefix] = compose;
    return run(command ?? 'docker-compose', [...prefix, '-p', PROJECT, '-f', 'compose.yaml', '-f', 'compose.test.yaml', ...args], { cwd: project, env: { LINTAS_VERSION: IMAGE_TAG }, ...(timeout ? { timeout } : {}) });
  };
  const container = async (service: string, all = false): Promise<string> => (await dc(['ps', ...(all ? ['-a'] : []), '-q', service])).out.trim();
  const inspect = async (service: string, format: string, all = false): Promise<string> => (await run(DOCKER, ['inspect', '--format', format, await container(service, all)])).out.trim();
  const inside = async (service: string, command: readonly string[]) => run(DOCKER, ['exec', await container(service), ...command]);
  async function healthy(service: string, seconds = 240): Promise<void> {
    const until = Date.now() + seconds * 1000;
    let status = '';
    while ((status = await inspect(service, '{{.State.Health.Status}}')) !== 'healthy') {
      if (Date.now() > until) throw new Error(`${service} is not healthy: ${status}\n${(await dc(['logs', '--tail', '40', service])).out}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** A request to the site through Caddy on port 443, its certificate checked against Caddy's local authority. */
  function site(method: string, path: string, body?: { type: string; data: Buffer }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: DOMAIN };
      if (cookie) headers.cookie = cookie;
      if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
      if (body) headers['content-type'] = body.type;
      const request = https.request({ host: '127.0.0.1', port: 443, servername: DOMAIN, ca: caddyCa, method, path, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const setCookie = response.headers['set-cookie']?.find((line) => line.startsWith('__Host-'));
          if (setCookie) cookie = setCookie.split(';')[0] ?? '';
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: response.headers });
        });
      });
      request.on('error', reject);
      request.end(body?.data);
    });
  }
  const json = (value: unknown) => ({ type: 'application/json', data: Buffer.from(JSON.stringify(value)) });
  async function multipart(form: FormData): Promise<{ type: string; data: Buffer }> {
    const encoded = new Response(form);
    return { type: encoded.headers.get('content-type') ?? '', data: Buffer.from(await encoded.arrayBuffer()) };
  }
  const psql = async (query: string): Promise<string> => (await dc(['exec', '-T', 'db', 'psql', '-U', 'lintas', '-d', 'lintas', '-Atc', query])).out.trim();

  beforeAll(async () => {
    compose = await composeCommand();
    const build = await run(DOCKER, ['build', '-t', `lintas:${IMAGE_TAG}`, ...(process.env.LINTAS_TEST_NODE_IMAGE ? ['--build-arg', `NODE_IMAGE=${process.env.LINTAS_TEST_NODE_IMAGE}`] : []), ROOT], { env: { DOCKER_BUILDKIT: '1' }, timeout: 900_000 });
    if (build.code !== 0) throw new Error(`docker build failed:\n${build.out.slice(-4000)}`);
    // The README's steps, in a folder of the recipe's own files.
    project = mkdtempSync(join(tmpdir(), 'lintas-compose-'));
    cpSync(join(ROOT, 'compose.yaml'), join(project, 'compose.yaml'));
    cpSync(join(ROOT, 'deploy'), join(project, 'deploy'), { recursive: true });
    writeFileSync(join(project, '.env'), readFileSync(join(ROOT, 'deploy/env.example'), 'utf8'));
    const secrets = join(project, 'secrets');
    mkdirSync(secrets);
    for (const [name, bytes] of [['lintas_data_key', 32], ['db_password', 24], ['db_serving_password', 24]] as const) {
      writeFileSync(join(secrets, name), `${(await run('openssl', ['rand', '-hex', String(bytes)])).out.trim()}\n`);
    }
    const certs = await run('sh', ['deploy/make-certs.sh', 'secrets', 'db', 'mail', 'lintas'], { cwd: project });
    if (certs.code !== 0) throw new Error(certs.out);
    // The one change: Caddy's local authority for the site (no public name). Caddy before 2.8 names the
    // inner hop's trust pool otherwise.
    const caddyfile = readFileSync(join(ROOT, 'deploy/Caddyfile'), 'utf8');
    const version = /v?2\.(\d+)\./.exec((await run(DOCKER, ['run', '--rm', 'caddy:2', 'caddy', 'version'])).out);
    const pool = version && Number(version[1]) < 8 ? caddyfile.replace(/^(\s*)tls_trust_pool file (\S+)$/m, '$1tls_trusted_ca_certs $2') : caddyfile;
    writeFileSync(join(project, 'deploy/Caddyfile.test'), `{\n\tlocal_certs\n}\n${pool}`);
    writeFileSync(join(project, 'compose.test.yaml'), 'services:\n  caddy:\n    volumes:\n      - ./deploy/Caddyfile.test:/etc/caddy/Caddyfile:ro\n');
    const up = await dc(['up', '-d', '--no-build'], 600_000);
    if (up.code !== 0) throw new Error(`compose up failed:\n${up.out}`);
    await healthy('lintas-1');
    await healthy('lintas-2');
    const seeded = await dc(['run', '--rm', '-T', 'migrate', 'seed']);
    if (seeded.code !== 0) throw new Error(seeded.out);
    caddyCa = (await inside('caddy', ['cat', '/data/caddy/pki/authorities/local/root.crt'])).out;
  }, 1_500_000);

  afterAll(async () => {
    if (project) {
      await dc(['down', '-v', '--remove-orphans'], 300_000);
      rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);

  test('the migration ran once and the database made the serving login; each process serves through it, over TLS', async () => {
    expect(await inspect('migrate', '{{.State.ExitCode}}', true)).toBe('0');
    const applied = (await psql('SELECT version FROM schema_migrations ORDER BY version')).split('\n');
    expect(applied).toEqual(migrationsOf(MODULES).map((migration) => migration.version).sort((a, b) => a - b).map(String));
    expect(await psql("SELECT rolsuper, rolbypassrls, pg_has_role('lintas_serving', 'lintas_app', 'member') FROM pg_roles WHERE rolname = 'lintas_serving'")).toBe('f|f|t');
    // Every connection from the processes is encrypted; requests' connections log in as the serving login.
    const connections = (await psql("SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.client_addr IS NOT NULL AND a.backend_type = 'client backend'")).split('\n').filter(Boolean);
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.every((line) => line.endsWith('|t'))).toBe(true);
    expect(connections.some((line) => line.startsWith('lintas_serving|'))).toBe(true);
  });

  test('the processes run as the unprivileged user and cannot change their own code', async () => {
    expect((await inside('lintas-1', ['id', '-u'])).out.trim()).toBe('1000');
    expect((await inside('lintas-1', ['sh', '-c', 'touch /app/dist/x'])).code).not.toBe(0);
  });

  test('a member signs in over HTTPS through the proxy, with the recipe’s headers and cookie', async () => {
    const plain = await site('GET', '/readyz');
    expect(plain.status).toBe(200);
    expect(plain.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const first = await site('POST', '/api/v1/auth/sign-in', json({ email: 'officer@aus.demo', password: DEMO_PASSWORD }));
    expect(first.status, first.body).toBe(200);
    expect(cookie).toMatch(/^__Host-/);
    csrf = (JSON.parse((await site('GET', '/api/v1/auth/session')).body) as { csrfToken: string }).csrfToken;
    const second = await site('POST', '/api/v1/auth/totp', json({ code: totpCode(DEMO_TOTP_SECRET) }));
    expect(second.status, second.body).toBe(200);
    csrf = (JSON.parse((await site('GET', '/api/v1/auth/session')).body) as { csrfToken: string }).csrfToken;
    const me = JSON.parse((await site('GET', '/api/v1/auth/session')).body) as { stage: string; user: { member: string } };
    expect(me).toMatchObject({ stage: 'full', user: { member: 'AUS' } });
  });

  test('an upload goes through the scanner: the test virus is refused, a clean file kept', async () => {
    const upload = async (text: string) => {
      const form = new FormData();
      form.append('metadata', JSON.stringify({ title: 'Field note', category: 'workshop-report', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } }));
      form.append('file', new Blob([text], { type: 'text/plain' }), 'note.txt');
      return site('POST', '/api/v1/library/documents/upload', await multipart(form));
    };
    const infected = await upload(EICAR);
    expect(infected.status, infected.body).toBe(422);
    expect(JSON.parse(infected.body)).toMatchObject({ title: 'Malware found' });
    const clean = await upload('A clean field note on departures.');
    expect(clean.status, clean.body).toBe(201);
  });

  test('mail goes to the relay over STARTTLS: a password reset is handed over and queued', async () => {
    const asked = await site('POST', '/api/v1/auth/password-reset', json({ email: 'analyst@aus.demo' }));
    expect(asked.status).toBe(202);
    const until = Date.now() + 60_000;
    let log = '';
    while (!/from=<lintas@example\.org>/.test(log) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      log = (await dc(['logs', '--no-color', 'mail'])).out;
    }
    expect(log).toMatch(/from=<lintas@example\.org>/);
  });

  test('deploy/rolling-restart.sh restarts, then recreates, each process in turn; no read through the proxy fails', async () => {
    const statuses: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        statuses.push((await site('GET', '/api/v1/library/documents').catch(() => ({ status: 0 }))).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const env = { COMPOSE_PROJECT_NAME: PROJECT, COMPOSE_FILE: 'compose.yaml:compose.test.yaml', LINTAS_VERSION: IMAGE_TAG };
    const before = await container('lintas-1');
    const restarted = await run('sh', ['deploy/rolling-restart.sh'], { cwd: project, env, timeout: 900_000 });
    expect(restarted.code, restarted.out).toBe(0);
    expect(restarted.out).toMatch(/lintas-1: back in rotation[\s\S]*lintas-2: back in rotation/);
    expect(await container('lintas-1')).toBe(before);
    const recreated = await run('sh', ['deploy/rolling-restart.sh', '--recreate'], { cwd: project, env, timeout: 900_000 });
    expect(recreated.code, recreated.out).toBe(0);
    // Recreated: another container, from the image.
    expect(await container('lintas-1')).not.toBe(before);
    reading = false;
    await reader;
    expect(statuses.length).toBeGreaterThan(200);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }, 1_800_000);
});
