/**
 * `npm run bench -- vectors …` (or `npx tsx bench/biometrics-search.ts …`): one-to-many search with
 * src/platform/vectors over synthetic unit templates, the approximate index (usearch HNSW, candidates
 * re-scored exactly) beside the exact search it must agree with, in one run:
 *
 * - the gallery: --size vectors of --dims values, uniform on the sphere (HNSW's worst case) or, with
 *   --clustered, drawn around --centres centres at cosine CLUSTER_COSINE to theirs (closer to faces);
 * - the probes: --probes mated probes, a gallery vector plus Gaussian noise of norm --noise relative
 *   to it (1.02: cosine about 0.70 with its mate); the mean cosine is printed;
 * - per quantisation (and per --connectivity, --expansion-add and --threads when given several):
 *   the build through addMany and the background build, the event loop's delay meanwhile, memory per
 *   template (RSS delta, and the graph's saved file), the vectors no search can reach in the graph,
 *   then search p50/p95/p99 and recall@1 against exact search at each --candidates count; exact
 *   search's own p50/p95/p99 over the same probes (one thread, JavaScript), and the ratio.
 *
 * See bench/README.md, "Vector search", for the figures.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Index } from 'usearch';
import { DEFAULTS, VectorIndex, type Quantization } from '../src/platform/vectors/index.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** Set in a leg's child process: which leg to run, as JSON (LegSpec). */
const LEG_ENV = 'LINTAS_VECTORS_LEG';
/** Cosine of a clustered vector with its centre: two vectors of one cluster are at about 0.36. */
const CLUSTER_COSINE = 0.6;
/** Hits asked per search, as a one-to-many search would for its candidate list. */
const K = 10;
const WARMUP = 20;

interface Flags {
  size: number;
  dims: number;
  quantizations: Quantization[];
  probes: number;
  candidates: number[];
  noise: number;
  clustered: boolean;
  centres: number;
  connectivity: number[];
  expansionAdd: number[];
  expansionSearch: number;
  threads: number[];
  seed: number;
}

function parseFlags(): Flags {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== 'vectors'),
    options: {
      size: { type: 'string', default: '100000' },
      dims: { type: 'string', default: '512' },
      quantization: { type: 'string', default: 'f32,f16,i8' },
      probes: { type: 'string', default: '1000' },
      candidates: { type: 'string', default: '64,256,512,1024' },
      noise: { type: 'string', default: '1.02' },
      clustered: { type: 'boolean', default: false },
      centres: { type: 'string', default: '2000' },
      connectivity: { type: 'string', default: String(DEFAULTS.connectivity) },
      'expansion-add': { type: 'string', default: String(DEFAULTS.expansionAdd) },
      'expansion-search': { type: 'string', default: String(DEFAULTS.expansionSearch) },
      threads: { type: 'string', default: String(DEFAULTS.threads) },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const numbers = (text: string, name: string): number[] => {
    const list = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
    if (list.some((value) => !Number.isInteger(value) || value < 1)) throw new Error(`--${name} takes whole numbers of at least 1, got "${text}"`);
    return list;
  };
  const one = (text: string, name: string): number => numbers(text, name)[0]!;
  const quantizations = values.quantization.split(',').map((part) => part.trim());
  for (const q of quantizations) if (q !== 'f32' && q !== 'f16' && q !== 'i8') throw new Error(`--quantization takes f32, f16 and i8, got "${q}"`);
  const noise = Number(values.noise);
  if (!(noise > 0)) throw new Error(`--noise takes a positive number, got "${values.noise}"`);
  return {
    size: one(values.size, 'size'),
    dims: one(values.dims, 'dims'),
    quantizations: quantizations as Quantization[],
    probes: one(values.probes, 'probes'),
    candidates: numbers(values.candidates, 'candidates'),
    noise,
    clustered: values.clustered,
    centres: one(values.centres, 'centres'),
    connectivity: numbers(values.connectivity, 'connectivity'),
    expansionAdd: numbers(values['expansion-add'], 'expansion-add'),
    expansionSearch: one(values['expansion-search'], 'expansion-search'),
    threads: values.threads.split(',').map((part) => {
      const threads = Number(part.trim());
      if (!Number.isInteger(threads) || threads < 0) throw new Error(`--threads takes whole numbers (0: all cores), got "${values.threads}"`);
      return threads;
    }),
    seed: one(values.seed, 'seed'),
  };
}

/** xorshift32 and Box–Muller: the same data for the same seed. */
function gaussians(seed: number): () => number {
  let state = seed >>> 0 || 1;
  let spare: number | undefined;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 1) / 4294967297;
  };
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Fills `rows` (n rows of `dims`) with Gaussian values and scales each row to unit length. */
function unitRows(rows: Float32Array, dims: number, next: () => number): void {
  for (let i = 0; i < rows.length; i++) rows[i] = next();
  for (let at = 0; at < rows.length; at += dims) normalise(rows, at, dims);
}

function normalise(rows: Float32Array, at: number, dims: number): void {
  let sum = 0;
  for (let i = at; i < at + dims; i++) sum += rows[i]! * rows[i]!;
  const scale = 1 / Math.sqrt(sum);
  for (let i = at; i < at + dims; i++) rows[i]! *= scale;
}

interface Data {
  gallery: Float32Array;
  keys: BigUint64Array;
  probes: Float32Array[];
  mates: bigint[];
  /** Cosine of each probe with its mate. */
  cosines: number[];
}

function makeData(flags: Flags): Data {
  const { size, dims } = flags;
  const next = gaussians(flags.seed);
  const gallery = new Float32Array(size * dims);
  unitRows(gallery, dims, next);
  if (flags.clustered) {
    const centres = new Float32Array(flags.centres * dims);
    unitRows(centres, dims, next);
    const side = Math.sqrt(1 - CLUSTER_COSINE * CLUSTER_COSINE);
    // A random direction of norm `side` added to CLUSTER_COSINE times the centre: in 512 dimensions
    // the direction is all but orthogonal to the centre, so the cosine with it is about CLUSTER_COSINE.
    for (let row = 0; row < size; row++) {
      const centre = Math.floor(Math.abs(next() * 1e6)) % flags.centres;
      for (let i = 0; i < dims; i++) gallery[row * dims + i] = CLUSTER_COSINE * centres[centre * dims + i]! + side * gallery[row * dims + i]!;
      normalise(gallery, row * dims, dims);
    }
  }
  const keys = BigUint64Array.from({ length: size }, (_, i) => 1_000_000_000_000n + BigInt(i));
  const probes: Float32Array[] = [];
  const mates: bigint[] = [];
  const cosines: number[] = [];
  const scale = flags.noise / Math.sqrt(dims);
  for (let p = 0; p < flags.probes; p++) {
    const mate = Math.floor(Math.abs(next() * 1e9)) % size;
    const vector = gallery.slice(mate * dims, (mate + 1) * dims);
    const probe = vector.map((value) => value + scale * next());
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      dot += probe[i]! * vector[i]!;
      norm += probe[i]! * probe[i]!;
    }
    probes.push(probe);
    mates.push(keys[mate]!);
    cosines.push(dot / Math.sqrt(norm));
  }
  return { gallery, keys, probes, mates, cosines };
}

const gc = ((): (() => void) => {
  v8.setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as (() => void) | undefined;
  return () => collect?.();
})();

function percentiles(samples: number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

interface Exact {
  /** The exact top-1 key of each probe, as a decimal string (JSON has no bigint). */
  top: (string | undefined)[];
  timing: { p50: number; p95: number; p99: number };
  /** Share of probes whose exact top-1 is their mate. */
  mateRate: number;
}

interface SearchRow {
  candidates: number;
  p50: number;
  p95: number;
  p99: number;
  recall: number;
}

interface Leg {
  quantization: Quantization;
  connectivity: number;
  expansionAdd: number;
  threads: number;
  loadSeconds: number;
  buildSeconds: number;
  longestBlockMs: number;
  /** The event loop's delay at its 99th percentile during load and build (sampled every 10 ms). */
  blockP99Ms: number;
  longestBuildTurnMs: number;
  probeCosine: { mean: number; min: number; max: number };
  rssBytesPerVector: number;
  fileBytesPerVector: number | undefined;
  /** Gallery vectors that no search can reach in the graph (a search for all of them misses them). */
  unreachable: number;
  searches: SearchRow[];
}

/** The graph itself, a private field: the bench reads what the index does not expose. */
const graphOf = (index: VectorIndex): Index | undefined => (index as unknown as { approximate?: Index }).approximate;

/** The graph's saved size: usearch's JS API has no memory figure. */
function graphFileBytes(index: VectorIndex): number | undefined {
  const graph = graphOf(index);
  if (!graph) return undefined;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'lintas-vectors-'));
  try {
    const file = path.join(folder, 'graph.usearch');
    graph.save(file);
    return statSync(file).size;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function exactPass(index: VectorIndex, data: Data): Exact {
  const times: number[] = [];
  const top: (string | undefined)[] = [];
  for (const probe of data.probes.slice(0, WARMUP)) index.exactSearch(probe, K);
  data.probes.forEach((probe) => {
    const started = performance.now();
    const hits = index.exactSearch(probe, K);
    times.push(performance.now() - started);
    top.push(hits[0]?.key.toString());
  });
  const mateRate = top.filter((key, p) => key === data.mates[p]!.toString()).length / top.length;
  return { top, timing: percentiles(times), mateRate };
}

interface LegSpec {
  flags: Flags;
  quantization: Quantization;
  connectivity: number;
  expansionAdd: number;
  threads: number;
  /** Exact search's answers from an earlier leg; the first leg runs exact search itself. */
  exact: Exact | undefined;
}

/** One leg, in a process of its own so that its RSS delta is its own. */
async function runLeg({ flags, quantization, connectivity, expansionAdd, threads, exact }: LegSpec): Promise<{ leg: Leg; exact: Exact }> {
  const data = makeData(flags);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const index = new VectorIndex({
    dimensions: flags.dims,
    approximateFrom: 1,
    quantization,
    connectivity,
    expansionAdd,
    expansionSearch: flags.expansionSearch,
    threads,
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  await index.addMany(data.keys, data.gallery);
  const loadSeconds = (performance.now() - started) / 1000;
  await index.whenApproximateReady();
  const buildSeconds = (performance.now() - started) / 1000;
  delay.disable();
  gc();
  const rssBytesPerVector = (process.memoryUsage().rss - rssBefore) / flags.size;
  const fileBytes = graphFileBytes(index);
  // A search as wide as the graph visits every node it can reach from the entry point.
  const graph = graphOf(index)!;
  const reached = new Set(graph.search(data.probes[0]!, graph.size() + 100, 1).keys);
  const unreachable = data.keys.filter((key) => !reached.has(key)).length;
  const reference = exact ?? exactPass(index, data);

  const searches: SearchRow[] = [];
  for (const candidates of flags.candidates) {
    index.candidates = candidates;
    for (const probe of data.probes.slice(0, WARMUP)) index.search(probe, K);
    const times: number[] = [];
    let agree = 0;
    data.probes.forEach((probe, p) => {
      const searchStarted = performance.now();
      const hits = index.search(probe, K);
      times.push(performance.now() - searchStarted);
      if (hits[0]?.key.toString() === reference.top[p]) agree++;
    });
    searches.push({ candidates, ...percentiles(times), recall: agree / data.probes.length });
  }
  index.close();
  const leg: Leg = {
    quantization,
    connectivity,
    expansionAdd,
    threads,
    loadSeconds,
    buildSeconds,
    longestBlockMs: delay.max / 1e6,
    blockP99Ms: delay.percentile(99) / 1e6,
    longestBuildTurnMs: index.longestBuildTurn,
    probeCosine: {
      mean: data.cosines.reduce((sum, value) => sum + value, 0) / data.cosines.length,
      min: Math.min(...data.cosines),
      max: Math.max(...data.cosines),
    },
    rssBytesPerVector,
    fileBytesPerVector: fileBytes === undefined ? undefined : fileBytes / flags.size,
    unreachable,
    searches,
  };
  return { leg, exact: reference };
}

function table(legs: Leg[], exact: Exact, size: number): string {
  const ms = (value: number): string => value.toFixed(value < 10 ? 2 : 1);
  const lines = [
    '| quantisation (M, ef_add, threads) | build s (ms/vector) | unreachable | event-loop block p99 / max ms | RSS B/vector | graph file B/vector | candidates | p50 ms | p95 ms | p99 ms | recall@1 | exact p50 ÷ p50 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const leg of legs) {
    leg.searches.forEach((row, i) => {
      const first = i === 0;
      lines.push([
        first ? `${leg.quantization} (${leg.connectivity}, ${leg.expansionAdd}, ${leg.threads})` : '',
        first ? `${leg.buildSeconds.toFixed(1)} (${((leg.buildSeconds * 1000) / size).toFixed(3)})` : '',
        first ? String(leg.unreachable) : '',
        first ? `${ms(leg.blockP99Ms)} / ${ms(leg.longestBlockMs)}` : '',
        first ? Math.round(leg.rssBytesPerVector).toLocaleString('en') : '',
        first && leg.fileBytesPerVector !== undefined ? Math.round(leg.fileBytesPerVector).toLocaleString('en') : '',
        String(row.candidates),
        ms(row.p50),
        ms(row.p95),
        ms(row.p99),
        row.recall.toFixed(4),
        (exact.timing.p50 / row.p50).toFixed(1),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'));
    });
  }
  return lines.join('\n');
}

/** Runs a leg in a child process (tsx, --expose-gc) and returns what it sends back. */
async function legInChild(spec: LegSpec): Promise<{ leg: Leg; exact: Exact }> {
  const child = fork(SELF, [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, [LEG_ENV]: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: { leg: Leg; exact: Exact } | undefined;
    child.once('message', (message) => {
      result = message as { leg: Leg; exact: Exact };
    });
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`the ${spec.quantization} leg exited with ${code} and no result`))));
  });
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const started = performance.now();
  const kind = flags.clustered ? `clustered around ${flags.centres} centres (cosine ${CLUSTER_COSINE} to the centre)` : 'uniform on the sphere';
  console.log(`Gallery: ${flags.size.toLocaleString('en')} unit vectors of ${flags.dims} values, ${kind}; ${flags.probes} mated probes, noise ${flags.noise}; k = ${K}; ef_search ${flags.expansionSearch}.`);
  console.log('Each leg runs in a process of its own, which makes the same data from the seed.');

  let exact: Exact | undefined;
  const legs: Leg[] = [];
  for (const quantization of flags.quantizations) {
    for (const connectivity of flags.connectivity) {
      for (const [expansionAdd, threads] of flags.expansionAdd.flatMap((add) => flags.threads.map((count) => [add, count] as const))) {
        const result = await legInChild({ flags, quantization, connectivity, expansionAdd, threads, exact });
        exact = result.exact;
        legs.push(result.leg);
        const leg = result.leg;
        if (legs.length === 1) console.log(`Probe-mate cosine: mean ${leg.probeCosine.mean.toFixed(3)} (min ${leg.probeCosine.min.toFixed(3)}, max ${leg.probeCosine.max.toFixed(3)}).`);
        const rows = leg.searches.map((row) => `${row.candidates}: p50 ${row.p50.toFixed(2)} ms, recall ${row.recall.toFixed(4)}`).join('; ');
        console.log(`${quantization} M=${connectivity} ef_add=${expansionAdd} threads=${threads}: built in ${leg.buildSeconds.toFixed(1)} s (loaded in ${leg.loadSeconds.toFixed(1)} s), ${leg.unreachable} unreachable, event-loop block p99 ${leg.blockP99Ms.toFixed(0)} ms, max ${leg.longestBlockMs.toFixed(0)} ms (longest build turn ${leg.longestBuildTurnMs.toFixed(0)} ms); ${rows}`);
      }
    }
  }
  if (!exact) return;
  const minutes = (performance.now() - started) / 60_000;
  console.log(`\nExact search (JavaScript, one thread) over the same probes: p50 ${exact.timing.p50.toFixed(1)} ms, p95 ${exact.timing.p95.toFixed(1)} ms, p99 ${exact.timing.p99.toFixed(1)} ms; its top-1 is the mate for ${(exact.mateRate * 100).toFixed(1)}% of probes.\n`);
  console.log(table(legs, exact, flags.size));
  console.log(`\nTook ${minutes.toFixed(1)} min on ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the end).`);
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}vectors-${flags.clustered ? 'clustered' : 'uniform'}-${flags.size}.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), minutes, flags, exact: { ...exact, top: undefined }, legs }, null, 2));
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

const legSpec = process.env[LEG_ENV];
if (legSpec !== undefined) {
  const result = await runLeg(JSON.parse(legSpec) as LegSpec);
  process.send?.(result, () => process.exit(0));
} else {
  await main();
}
