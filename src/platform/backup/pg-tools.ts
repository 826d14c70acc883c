import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * PostgreSQL's client programs (pg_dump, pg_restore) for backups on a server: from
 * LINTAS_PG_BIN when set, else from PATH, else from Debian's /usr/lib/postgresql/<major>/bin
 * (newest first: a newer pg_dump reads an older server, not the other way round).
 */
export function findPgTool(name: string, env: Readonly<Record<string, string | undefined>>): string {
  const folders = [
    ...(env.LINTAS_PG_BIN ? [env.LINTAS_PG_BIN] : []),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean),
    ...debianFolders(),
  ];
  for (const folder of folders) {
    const path = join(folder, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} was not found (PostgreSQL's client programs; install postgresql-client, or set LINTAS_PG_BIN to the folder holding ${name})`);
}

function debianFolders(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
      .map((major) => `/usr/lib/postgresql/${major}/bin`);
  } catch {
    return [];
  }
}

/** Runs a program to its end; its standard error becomes the error's message when it fails. */
export function run(program: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${program.split('/').pop()} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}
