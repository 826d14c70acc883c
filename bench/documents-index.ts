/**
 * `npm run bench:index`: the travel-document register's in-memory index (DocumentIndex) sized for
 * the whole region, 100,000,000 documents by default: memory used, build time, and has() lookups
 * per second in one process, mixed hits and misses, p50 of several rounds. See bench/README.md.
 *
 *   npm run bench:index                         # 100,000,000 keys (needs about 4 GB of RAM)
 *   npm run bench:index -- --size 1000000 --rounds 5 --lookups 1000000
 *   npm run bench:index -- --huge-pages off     # the index on 4 KiB pages only
 *
 * Goals (issue #4): at most 6 GB, at least 5,000,000 lookups a second, judged for has() (one key at
 * a time, a single check) and findMany() (a manifest's keys at once, the batch check) each.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DocumentType } from '../src/modules/documents/icao.js';
import { ABSENT, DocumentIndex } from '../src/modules/documents/memory-index.js';
import { documentKey } from '../src/modules/documents/number.js';
import { hugePageBytes, hugePagesAsked, withHugePages } from './huge-pages.js';
import { cpuBusy, waitForQuiet } from './load.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const GOAL_BYTES = 6e9;
const GOAL_LOOKUPS = 5_000_000;

function parseFlags(): { size: number; rounds: number; lookups: number; hitShare: number; quiet: number; hugePages: boolean } {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '100000000' },
      rounds: { type: 'string', default: '7' },
      lookups: { type: 'string', default: '2000000' },
      hits: { type: 'string', default: '0.5' },
      quiet: { type: 'string', default: '20' },
      'huge-pages': { type: 'string', default: 'on' },
    },
    strict: true,
  });
  const whole = (text: string, name: string, min: number): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} takes a whole number of at least ${min}, got "${text}"`);
    return value;
  };
  const hitShare = Number(values.hits);
  if (!(hitShare >= 0 && hitShare <= 1)) throw new Error(`--hits takes a share between 0 and 1, got "${values.hits}"`);
  if (values['huge-pages'] !== 'on' && values['huge-pages'] !== 'off') throw new Error(`--huge-pages takes on or off, got "${values['huge-pages']}"`);
  return {
    hugePages: values['huge-pages'] === 'on',
    size: whole(values.size, 'size', 1),
    rounds: whole(values.rounds, 'rounds', 1),
    lookups: whole(values.lookups, 'lookups', 1),
    hitShare,
    quiet: whole(values.quiet, 'quiet', 0),
  };
}

/**
 * The issuers of a region's register and their share, with the shapes their numbers take: a letter
 * and seven or eight digits, two letters and seven digits, nine digits, and so on.
 */
const ISSUERS: readonly { code: string; weight: number; shape: string }[] = [
  { code: 'IDN', weight: 18, shape: 'ADDDDDDD' },
  { code: 'PHL', weight: 11, shape: 'AADDDDDDDA' },
  { code: 'VNM', weight: 9, shape: 'ADDDDDDDD' },
  { code: 'THA', weight: 8, shape: 'AADDDDDDD' },
  { code: 'MYS', weight: 6, shape: 'ADDDDDDDD' },
  { code: 'AUS', weight: 6, shape: 'AADDDDDDD' },
  { code: 'CHN', weight: 10, shape: 'ADDDDDDDD' },
  { code: 'IND', weight: 9, shape: 'ADDDDDDD' },
  { code: 'BGD', weight: 4, shape: 'AADDDDDDD' },
  { code: 'PAK', weight: 4, shape: 'AADDDDDDD' },
  { code: 'LKA', weight: 3, shape: 'ADDDDDDD' },
  { code: 'MMR', weight: 3, shape: 'AADDDDDDD' },
  { code: 'NZL', weight: 2, shape: 'AADDDDDD' },
  { code: 'D', weight: 2, shape: 'ANNNNNNNN' },
  { code: 'GBR', weight: 2, shape: 'DDDDDDDDD' },
  { code: 'USA', weight: 2, shape: 'ADDDDDDDD' },
  { code: 'AFG', weight: 1, shape: 'ADDDDDDDD' },
];
const TYPES: readonly { type: DocumentType; weight: number }[] = [
  { type: 'passport', weight: 70 },
  { type: 'identity-card', weight: 20 },
  { type: 'visa', weight: 6 },
  { type: 'refugee-travel-document', weight: 2 },
  { type: 'seafarer-book', weight: 1 },
  { type: 'other', weight: 1 },
];

function table<T extends { weight: number }>(items: readonly T[]): T[] {
  return items.flatMap((item) => Array.from({ length: item.weight }, () => item));
}
const ISSUER_TABLE = table(ISSUERS);
const TYPE_TABLE = table(TYPES);
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const ALPHANUMERIC = 'CFGHJKLMNPRTVWXYZ0123456789';

/** A 32-bit mix of (i, salt): the generator is a pure function of the document's ordinal. */
function mix(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1) ^ Math.imul((i / 4294967296) | 0, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Document number `i` of the generated register, as the module builds its keys. */
function keyFor(i: number): string {
  const issuer = ISSUER_TABLE[mix(i, 1) % ISSUER_TABLE.length]!;
  const type = TYPE_TABLE[mix(i, 2) % TYPE_TABLE.length]!.type;
  let number = '';
  let random = mix(i, 3);
  let more = mix(i, 4);
  for (let p = 0; p < issuer.shape.length; p++) {
    const kind = issuer.shape.charCodeAt(p);
    if (p === 6) random = more;
    if (kind === 65) number += LETTERS.charAt(random % LETTERS.length); // A
    else if (kind === 68) number += String.fromCharCode(48 + (random % 10)); // D
    else number += ALPHANUMERIC.charAt(random % ALPHANUMERIC.length); // N
    random = Math.floor(random / 23);
    if (p === 5) more ^= i & 0xff;
  }
  return documentKey(issuer.code, type, number);
}

const log = (line: string): void => console.log(line);
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const rate = (per: number): string => `${Math.round(per).toLocaleString('en')}/s`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function main(): Promise<void> {
  const flags = parseFlags();
  // glibc reads its tunables when the process starts: run again with them, once.
  const env = withHugePages(process.env, !flags.hugePages);
  if (env !== process.env) {
    const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), { env, stdio: 'inherit' });
    const [code] = (await once(child, 'exit')) as [number | null];
    process.exitCode = code ?? 1;
    return;
  }
  log(`DocumentIndex: ${flags.size.toLocaleString('en')} keys, ${flags.rounds} rounds of ${flags.lookups.toLocaleString('en')} lookups (${Math.round(flags.hitShare * 100)}% hits)`);
  log(`machine: ${os.cpus().length} cores, ${gib(os.totalmem())} RAM, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const rssBefore = process.memoryUsage().rss;

  const started = performance.now();
  const index = new DocumentIndex(flags.size);
  for (let i = 0; i < flags.size; i++) index.add(keyFor(i));
  const buildMs = performance.now() - started;
  const memory = process.memoryUsage();
  log(`build: ${(buildMs / 1000).toFixed(1)} s (${rate((flags.size / buildMs) * 1000)} keys, generation included); ${index.size.toLocaleString('en')} distinct keys in ${index.capacity.toLocaleString('en')} slots`);
  const onHugePages = hugePageBytes();
  log(`memory: index ${gib(index.bytes)}; process RSS ${gib(memory.rss)} (${gib(rssBefore)} before the build), V8 heap ${gib(memory.heapUsed)}`);
  log(`huge pages: ${hugePagesAsked() ? 'asked for' : 'not asked for'}; ${gib(onHugePages)} of the process on them`);

  // The lookups: hits are keys of the register, misses ordinals past its end (a generated miss that
  // happens to equal a document counts as the hit it is).
  const keys: string[] = new Array<string>(flags.lookups);
  let pick = 12345;
  for (let q = 0; q < flags.lookups; q++) {
    pick = mix(q, pick);
    const hit = pick / 4294967296 < flags.hitShare;
    const ordinal = mix(q, 99) % flags.size;
    keys[q] = keyFor(hit ? ordinal : flags.size + ordinal);
  }
  const out = new Int32Array(flags.lookups);
  const single: number[] = [];
  const batched: number[] = [];
  const busy: number[] = [];
  // Lookups per second of this process's CPU time too: what the machine's other work takes from it by
  // time-sharing drops out (its pressure on the memory system and the caches does not).
  const singleCpu: number[] = [];
  const batchedCpu: number[] = [];
  let hits = 0;
  for (let round = 0; round < flags.rounds; round++) {
    busy.push(await waitForQuiet(flags.quiet));
    let found = 0;
    let t = performance.now();
    let cpu = process.cpuUsage();
    for (let q = 0; q < flags.lookups; q++) if (index.has(keys[q]!)) found++;
    single.push((flags.lookups / (performance.now() - t)) * 1000);
    singleCpu.push(flags.lookups / cpuSeconds(cpu));
    t = performance.now();
    cpu = process.cpuUsage();
    index.findMany(keys, out);
    batched.push((flags.lookups / (performance.now() - t)) * 1000);
    batchedCpu.push(flags.lookups / cpuSeconds(cpu));
    hits = found;
    let agree = 0;
    for (let q = 0; q < flags.lookups; q++) if (out[q]! !== ABSENT) agree++;
    if (agree !== found) throw new Error(`findMany found ${agree}, has() ${found}`);
    log(
      `  round ${round + 1}: has() ${rate(single.at(-1)!)} (${rate(singleCpu.at(-1)!)} of CPU time), findMany() ${rate(batched.at(-1)!)} (${rate(batchedCpu.at(-1)!)} of CPU time); machine ${Math.round(busy.at(-1)! * 100)}% busy before`,
    );
  }
  const loadAverage = os.loadavg();
  const after = await cpuBusy();
  const result = {
    size: flags.size,
    distinct: index.size,
    capacity: index.capacity,
    indexBytes: index.bytes,
    rssBytes: memory.rss,
    hugePagesAsked: hugePagesAsked(),
    hugePageBytes: onHugePages,
    heapUsedBytes: memory.heapUsed,
    buildSeconds: Number((buildMs / 1000).toFixed(1)),
    lookups: flags.lookups,
    hitShare: Number((hits / flags.lookups).toFixed(3)),
    hasPerSecond: { p50: Math.round(median(single)), min: Math.round(Math.min(...single)), max: Math.round(Math.max(...single)) },
    findManyPerSecond: { p50: Math.round(median(batched)), min: Math.round(Math.min(...batched)), max: Math.round(Math.max(...batched)) },
    hasPerCpuSecond: Math.round(median(singleCpu)),
    findManyPerCpuSecond: Math.round(median(batchedCpu)),
    busyBeforeRounds: busy.map((b) => Number(b.toFixed(2))),
    loadAverage: loadAverage.map((l) => Number(l.toFixed(2))),
    busyAfter: Number(after.toFixed(2)),
  };
  log('');
  log(`has():     p50 ${rate(result.hasPerSecond.p50)} (min ${rate(result.hasPerSecond.min)}, max ${rate(result.hasPerSecond.max)}), ${Math.round(result.hitShare * 100)}% hits`);
  log(`findMany(): p50 ${rate(result.findManyPerSecond.p50)} (min ${rate(result.findManyPerSecond.min)}, max ${rate(result.findManyPerSecond.max)})`);
  log(`per second of this process's CPU time: has() ${rate(result.hasPerCpuSecond)}, findMany() ${rate(result.findManyPerCpuSecond)}`);
  log(`load average at the end: ${result.loadAverage.join(' ')}`);
  log('');
  const memoryMet = memory.rss <= GOAL_BYTES;
  const met = (yes: boolean): string => (yes ? 'met' : 'NOT met');
  log(`goal: memory at most 6 GB: ${met(memoryMet)} (RSS ${(memory.rss / 1e9).toFixed(2)} GB)`);
  log(`goal: at least 5,000,000 lookups a second, one key at a time (has(), a single check): ${met(result.hasPerSecond.p50 >= GOAL_LOOKUPS)} (p50 ${rate(result.hasPerSecond.p50)})`);
  log(`goal: at least 5,000,000 lookups a second, a manifest's keys at once (findMany(), a batch check): ${met(result.findManyPerSecond.p50 >= GOAL_LOOKUPS)} (p50 ${rate(result.findManyPerSecond.p50)})`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}documents-index.json`, `${JSON.stringify(result, null, 2)}\n`);
}

await main();
