import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { main } from '../src/cli.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from './support/db.js';

// The README's command line: the synopsis names only commands and options the CLI has, and every
// example runs as written (in order, against a database of its own, in a folder holding the files
// the examples name). The start banner's totp-code command is run beside a running server in
// src/modules/account/totp-code.test.ts.

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('## The command line'), README.indexOf('\n## ', README.indexOf('## The command line') + 1));

function block(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(SECTION);
  if (!match?.[1]) throw new Error(`no ${language} block in the README's command-line section`);
  return match[1];
}

/** Splits a shell command line into words as a POSIX shell would for these examples: quotes, escapes, comments. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '#' && word === null) break;
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === '"' || c === "'") {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unclosed quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

const synopsis = block('text')
  .replace(/\n\s+(?=[[(])/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '');
const examples = block('sh')
  .split('\n')
  .map(shellWords)
  .filter((words) => words.length > 0);

async function lintas(config: Config, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    return { code: await main(args, config), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('the synopsis', () => {
  let help: string;
  beforeAll(async () => {
    help = (await lintas(loadConfig({}), ['--help'])).out;
  });

  test('is marked as a synopsis, not as shell to paste, and the examples are', () => {
    expect(SECTION).toMatch(/a synopsis, not commands to paste/);
    expect(synopsis.length).toBeGreaterThan(10);
    expect(examples.length).toBeGreaterThan(10);
    expect(examples.every((words) => words[0] === 'npx' && words[1] === 'lintas')).toBe(true);
  });

  test.each(synopsis.map((line) => [line.split(/\s+(?=-|\[|\()/)[0]!, line]))('%s: the command and each option are in the CLI’s help', (command, line) => {
    const helpLines = help.split('\n').filter((text) => text.trim().startsWith(`${command} `) || text.trim() === command);
    expect(helpLines, `${command} is not in lintas --help`).not.toEqual([]);
    const own = help.slice(help.indexOf(helpLines[0]!)).split(/\n {2}lintas /)[0]!;
    for (const option of line.match(/--[a-z][a-z-]*/g) ?? []) expect(own, `${command} ${option}`).toContain(option);
  });

  test.each(examples.map((words) => [words.slice(2).join(' '), words]))('the example "%s" uses a command and options of the synopsis', (_text, words) => {
    const [command, sub] = words.slice(2);
    if (command === '--help') return;
    const form = synopsis.find((line) => line.startsWith(`lintas ${command} ${sub ?? ''}`.trim()) && (sub === undefined || sub.startsWith('-') || line.split(/\s+/)[2] === sub)) ?? synopsis.find((line) => line.startsWith(`lintas ${command}`));
    expect(form, words.join(' ')).toBeDefined();
    for (const option of words.filter((word) => word.startsWith('--'))) expect(form, option).toContain(option);
  });
});

describe('the examples, run as written', () => {
  let folder: string;
  let database: TestDatabase | undefined;
  let config: Config;
  let before: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lintas-readme-'));
    if (TEST_DB_KIND === 'postgres') {
      database = await openTestDatabase();
    } else {
      await makeTestDataFolder(join(folder, 'data'));
    }
    // The files the examples name, where they are in the repository.
    mkdirSync(join(folder, 'test/fixtures/reports'), { recursive: true });
    copyFileSync(new URL('./fixtures/reports/semicolon.csv', import.meta.url), join(folder, 'test/fixtures/reports/semicolon.csv'));
    config = { ...loadConfig({}), dataDir: join(folder, 'data'), databaseUrl: database?.url };
    before = process.cwd();
    process.chdir(folder);
  }, 120_000);
  afterAll(async () => {
    process.chdir(before);
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('each one succeeds, in the README’s order', async () => {
    const ran: string[] = [];
    for (const words of examples) {
      const args = words.slice(2);
      if (args[0] === 'serve') continue; // runs until stopped: the banner's test starts servers as a user does
      const result = await lintas(config, args);
      expect(result.code, `${words.join(' ')}\n${result.out}\n${result.err}`).toBe(0);
      ran.push(args.slice(0, 2).join(' '));
    }
    expect(ran).toEqual(expect.arrayContaining(['user totp-code', 'reports export', 'documents check-offline', 'audit verify']));
  }, 240_000);
});
