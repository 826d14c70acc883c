import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from './support/db.js';
import { builtAfter } from './support/freshness.js';
import { spawnServer, type ServerProcess } from './support/processes.js';

// The container image's contents, made without Docker (this machine has no engine): the steps of the
// Dockerfile (scripts/image-build.sh) in a clean folder holding `git archive HEAD`, then the runtime
// folder started through the image's entry point on the leg's database. It builds what is committed,
// not the working tree (using the checkout's own build only when that is the committed tree's, as
// in CI, which builds first).
//
// What differs from `docker build`, on purpose: node_modules is a hard-linked copy of this checkout's
// (`npm ci` of the same lockfile; LINTAS_IMAGE_KEEP_MODULES=1), pruned to the production
// dependencies, instead of a minute of downloads; the full `npm ci` is the README's manual check.
// The build (about a minute) is made once per commit of what it reads and kept under the system's
// temporary folder, so the PostgreSQL leg starts what the PGlite leg built.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(tmpdir(), 'lintas-image-test');
const IN_GIT = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT }).status === 0;
if (!IN_GIT) console.warn("The image's contents: skipped, this checkout is not a git work tree (the test builds `git archive HEAD`).");

/** Runs a command to its end; a failure names it with its output. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { PATH, HOME } = process.env;
  const child = spawn(command, args, { cwd, env: { PATH, HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}:\n${output.slice(-4000)}`))));
  });
}

/**
 * A copy of the checkout's node_modules whose files are hard links (no bytes copied), except the one
 * file npm rewrites in place (its record of the tree), which must not change the original's.
 */
async function linkModules(to: string): Promise<void> {
  await run('cp', ['-al', join(ROOT, 'node_modules'), join(to, 'node_modules')], ROOT);
  const record = join(to, 'node_modules', '.package-lock.json');
  if (existsSync(record)) {
    copyFileSync(record, `${record}.copy`);
    renameSync(`${record}.copy`, record);
  }
}

/**
 * Whether this checkout's dist/ and web/dist/ are the build of the committed tree: nothing the build
 * reads differs from HEAD or is untracked, and both builds are newer than every source they are made
 * of (test/support/freshness.ts). Then they are what `scripts/image-build.sh build` would make in a
 * clean folder holding `git archive HEAD`.
 */
async function committedBuild(): Promise<boolean> {
  const inputs = ['src', 'web', 'scripts', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
  const changed = (await run('git', ['status', '--porcelain', '--', ...inputs], ROOT)).trim();
  return changed === '' && builtAfter(join(ROOT, 'dist', 'cli.js'), [join(ROOT, 'src')]) && builtAfter(join(ROOT, 'web', 'dist', 'index.html'), [join(ROOT, 'web'), join(ROOT, 'src')]);
}

/** The runtime folder of the image for the committed tree: built once, then kept. */
async function imageFolder(): Promise<string> {
  // Keyed by what the build reads: every committed file but the tests, benchmarks, docs/ and the README.
  const listing = (await run('git', ['ls-tree', '-r', 'HEAD'], ROOT))
    .split('\n')
    .filter((line) => !/\t(test\/|bench\/|docs\/|README\.md$)/.test(line));
  const tree = createHash('sha256').update(listing.join('\n')).digest('hex').slice(0, 32);
  const done = join(CACHE, tree);
  if (existsSync(join(done, 'app', 'bin', 'lintas.js'))) return join(done, 'app');
  mkdirSync(CACHE, { recursive: true });
  // Older trees' builds go: one is kept.
  for (const old of readdirSync(CACHE)) if (old !== tree) rmSync(join(CACHE, old), { recursive: true, force: true });
  const work = mkdtempSync(join(CACHE, 'building-'));
  const checkout = join(work, 'src');
  mkdirSync(checkout);
  await run('sh', ['-c', `git archive --format=tar HEAD | tar -x -C '${checkout}'`], ROOT);
  await linkModules(checkout);
  const keep = { LINTAS_IMAGE_KEEP_MODULES: '1' };
  if (await committedBuild()) {
    // The build stage is `npm run build` in a clean checkout, which CI has just run on this very commit:
    // its dist/ and web/dist/ are what the stage would make, and making them again is a minute and a half.
    await run('cp', ['-R', join(ROOT, 'dist'), join(checkout, 'dist')], ROOT);
    await run('cp', ['-R', join(ROOT, 'web', 'dist'), join(checkout, 'web', 'dist')], ROOT);
  } else {
    await run('sh', ['scripts/image-build.sh', 'build'], checkout, keep);
  }
  await run('sh', [join(checkout, 'scripts/image-build.sh'), 'runtime', checkout, join(work, 'app')], checkout, keep);
  // The build stage is left behind, as the image leaves it.
  rmSync(checkout, { recursive: true, force: true });
  rmSync(done, { recursive: true, force: true });
  renameSync(work, done);
  return join(done, 'app');
}

let app: string;
let server: ServerProcess;
let database: TestDatabase | undefined;
let dataFolder: string | undefined;

describe.skipIf(!IN_GIT)(`the image's contents, built without Docker and served on ${TEST_DB_KIND}`, () => {
  beforeAll(async () => {
    app = await imageFolder();
    // The leg's database: a fresh PGlite data folder (migrated, so the start checks the built folder's
    // migrations against the applied ones), or a fresh database on the PostgreSQL server.
    const env: Record<string, string> = { LINTAS_DATA_KEY: 'ab'.repeat(32) };
    if (TEST_DB_KIND === 'postgres') {
      database = await openTestDatabase();
      env.DATABASE_URL = database.url ?? '';
      env.LINTAS_DATA = '/nonexistent-lintas-data';
    } else {
      dataFolder = mkdtempSync(join(tmpdir(), 'lintas-image-data-'));
      await makeTestDataFolder(join(dataFolder, 'data'));
      env.LINTAS_DATA = join(dataFolder, 'data');
    }
    // Through the image's entry point, which reads the data key from a file as Compose's secrets give it.
    const keyFile = join(app, '..', 'data-key');
    writeFileSync(keyFile, `${env.LINTAS_DATA_KEY ?? ''}\n`, { mode: 0o600 });
    delete env.LINTAS_DATA_KEY;
    server = await spawnServer(['--no-demo'], { ...env, LINTAS_DATA_KEY_FILE: keyFile }, { command: 'sh', args: [join(app, 'deploy', 'entrypoint.sh')], cwd: app });
  }, 1_200_000);

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    if (dataFolder) rmSync(dataFolder, { recursive: true, force: true });
  });

  test('answers /healthz and /readyz, and serves the built web app', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
  });

  test('its health check (Dockerfile HEALTHCHECK) passes while the server answers, and fails where none listens', async () => {
    const healthcheck = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^\s+CMD \["node", "\/app\/(deploy\/[\w.]+)"\]$/m)?.[1];
    expect(healthcheck).toBe('deploy/healthcheck.cjs');
    const check = (port: string) => spawnSync(process.execPath, [join(app, healthcheck!)], { env: { PATH: process.env.PATH, PORT: port }, timeout: 10_000 }).status;
    expect(check(new URL(server.url).port)).toBe(0);
    expect(check('1')).toBe(1);
  });

  test('runs the compiled server with the production dependencies only: no sources, no tsx', async () => {
    const command = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(command.slice(1)).toEqual([`${app}/deploy/../bin/lintas.js`, 'serve', '--no-demo']);
    expect(readdirSync(app).sort()).toEqual(['.npmrc', 'bin', 'deploy', 'dist', 'node_modules', 'package-lock.json', 'package.json', 'web']);
    expect(existsSync(join(app, 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(join(app, 'dist', 'platform', 'migrations'))).toBe(true);
    for (const dev of ['tsx', 'typescript', 'vite', 'vitest', 'esbuild']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    for (const runtime of ['fastify', 'sharp', 'usearch', '@node-rs/argon2', '@electric-sql/pglite']) expect(existsSync(join(app, 'node_modules', runtime)), runtime).toBe(true);
  });

  test('its native modules load and work there: sharp, argon2, usearch', async () => {
    const probe = [
      "const sharp = (await import('sharp')).default;",
      "const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#123456' } }).png().toBuffer();",
      "const { hash } = await import('@node-rs/argon2');",
      "const { Index } = await import('usearch');",
      "console.log(JSON.stringify({ png: png.subarray(1, 4).toString(), argon2: (await hash('a password')).split('$')[1], usearch: typeof Index }));",
    ].join('\n');
    const output = await run(process.execPath, ['--input-type=module', '-e', probe], app);
    expect(JSON.parse(output)).toEqual({ png: 'PNG', argon2: 'argon2id', usearch: 'function' });
  });
});
