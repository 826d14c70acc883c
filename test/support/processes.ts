import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtAfter } from './freshness.js';

/**
 * The tests' PGlite databases are small: a smaller shared_buffers than the default starts faster, for
 * the processes spawned here and the tests' own databases (db.ts). Here, not in db.ts, because the
 * benches spawn servers through this file and must not load the test framework.
 */
export const TEST_SHARED_BUFFERS_MB = '16';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('./lintas-cli.ts', import.meta.url));

/**
 * The environment a spawned lintas gets: only what is given, plus what node and npm need to run, and
 * the tests' small page cache for an embedded database (each start sets it up; unless given).
 */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, NODE_ENV: 'production', LINTAS_PGLITE_SHARED_BUFFERS_MB: TEST_SHARED_BUFFERS_MB, ...env };
}

/** How lintas is run: a command and its first arguments, in a folder. */
export interface Program {
  command: string;
  args: readonly string[];
  cwd: string;
}

/** The command from the sources, through tsx. */
const FROM_SOURCES: Program = { command: process.execPath, args: ['--import', 'tsx', CLI], cwd: ROOT };

/** The built command (bin/lintas.js runs dist/cli.js), as users run it. */
const BUILT: Program = { command: process.execPath, args: [join(ROOT, 'bin', 'lintas.js')], cwd: ROOT };

/**
 * How the tests run lintas: the build in dist/ when it is newer than every source file it is made of
 * (CI builds before it tests), else the sources through tsx. Both are the same program; the build
 * starts in about half the CPU time of compiling the sources on the fly, which the suite pays for every
 * command and server it spawns.
 */
const DEFAULT_PROGRAM: Program = builtAfter(join(ROOT, 'dist', 'cli.js'), [join(ROOT, 'src')]) ? BUILT : FROM_SOURCES;

function start(args: readonly string[], env: Record<string, string>, program: Program = DEFAULT_PROGRAM): ChildProcess {
  return spawn(program.command, [...program.args, ...args], { cwd: program.cwd, env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `lintas ARGS` in a process of its own, as a user types it, and gives its exit code and output. */
export function runLintas(args: readonly string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const child = start(args, env);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

export interface ServerProcess {
  /** The address it listens on, from its start banner. */
  url: string;
  /** Its process id. */
  pid: number;
  /** What it printed so far (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: the process dies at once, as in a crash, with nothing run on the way out. */
  kill(): Promise<void>;
}

/**
 * Starts `lintas serve ARGS` in a process of its own and waits for its banner (PORT=0: a free port);
 * from the sources, or as `program` runs it (a built folder's entry point).
 */
export function spawnServer(args: readonly string[], env: Record<string, string>, program?: Program): Promise<ServerProcess> {
  const child = start(['serve', ...args], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env }, program);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the server did not start in time:\n${output}`));
    }, 90_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Lintas is running at (https?:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        const kill = async (): Promise<void> => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGKILL');
          await exited;
        };
        resolve({ url: match[1].replace('localhost', '127.0.0.1'), pid: child.pid ?? 0, output: () => output, stop, kill });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${String(code)}) before it listened:\n${output}`));
    });
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on now, for a program that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
