/**
 * `npm run bench -- faces` (or `npx tsx bench/biometrics-faces.ts`): face images to templates
 * (src/modules/biometrics/faces). It measures:
 *
 * - the worker's start, cold: thread, tsx, WebAssembly backend and the three models;
 * - faceTemplate end to end (copy to the worker, decode, detect, describe) over --runs calls, on
 *   the astronaut (512 × 512 PNG) and on a 12-megapixel JPEG made from it (4000 × 3000), with the
 *   decoding alone (decodeImage on this thread) beside it;
 * - the cosine of the astronaut's template with copies of it and with another person.
 *
 * One process; the figures go to bench/results/biometrics-faces-latest.json. See bench/README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage } from '../src/modules/biometrics/faces/decode.js';
import { cosine, faceTemplate, startFacePool, stopFacePool } from '../src/modules/biometrics/faces/index.js';
import { faceWorkerStats } from '../src/modules/biometrics/faces/pool.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const FIXTURES = new URL('../test/fixtures/faces/', import.meta.url);

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== 'faces'),
  options: { runs: { type: 'string', default: '20' } },
});
const RUNS = Number(values.runs);

interface Timing {
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles, in milliseconds to one decimal. */
function timing(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

async function timed(work: () => Promise<unknown>, runs: number): Promise<Timing> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  return timing(ms);
}

function print(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]): string => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log([line(rows[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n'));
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const astronaut = readFileSync(new URL('astronaut.png', FIXTURES));
  const camera = readFileSync(new URL('camera.png', FIXTURES));
  const twelveMegapixels = await sharp(astronaut).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();

  let started = performance.now();
  await startFacePool();
  const start = Math.round(performance.now() - started);
  started = performance.now();
  const original = await faceTemplate(astronaut);
  const first = Math.round(performance.now() - started);

  const small = await timed(() => faceTemplate(astronaut), RUNS);
  const large = await timed(() => faceTemplate(twelveMegapixels), RUNS);
  const decodeSmall = await timed(() => decodeImage(astronaut), RUNS);
  const decodeLarge = await timed(() => decodeImage(twelveMegapixels), RUNS);

  console.log(`faces bench, ${RUNS} runs each; load average ${loadBefore.toFixed(1)} at the start\n`);
  console.log(`worker start (thread, tsx, wasm backend, blazeface + facemesh + faceres): ${start} ms; first image: ${first} ms\n`);
  print([
    ['image', 'bytes', 'template p50 ms', 'p95 ms', 'max ms', 'decode alone p50 ms', 'p95 ms'],
    ['astronaut 512 × 512 PNG', astronaut.length.toLocaleString('en'), ...[small.p50, small.p95, small.max, decodeSmall.p50, decodeSmall.p95].map(String)],
    ['12 MP JPEG 4000 × 3000 (q90)', twelveMegapixels.length.toLocaleString('en'), ...[large.p50, large.p95, large.max, decodeLarge.p50, decodeLarge.p95].map(String)],
  ]);

  // The copies the tests make, and a few more.
  const onItsSide = await sharp(astronaut).rotate(-90).jpeg({ quality: 90 }).toBuffer();
  const copies: [string, Buffer][] = [
    ['cropped 10% each side, scaled 0.7, brightness +20%', await sharp(astronaut).extract({ left: 51, top: 51, width: 410, height: 410 }).resize(287, 287).modulate({ brightness: 1.2 }).png().toBuffer()],
    ['stored on its side, EXIF orientation 6 (JPEG q90)', await sharp(onItsSide).withMetadata({ orientation: 6 }).toBuffer()],
    ['WebP q85', await sharp(astronaut).webp({ quality: 85 }).toBuffer()],
    ['JPEG q90', await sharp(astronaut).jpeg({ quality: 90 }).toBuffer()],
    ['12 MP JPEG (above)', twelveMegapixels],
    ['mirrored', await sharp(astronaut).flop().png().toBuffer()],
    ['another person (camera.png)', camera],
  ];
  const cosines: Record<string, number> = {};
  for (const [name, image] of copies) cosines[name] = Math.round(cosine(original.vector, (await faceTemplate(image)).vector) * 1000) / 1000;
  console.log('');
  print([['astronaut against', 'cosine'], ...Object.entries(cosines).map(([name, value]) => [name, value.toFixed(3)])]);

  const stats = await faceWorkerStats();
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const loadAfter = loadavg()[0] ?? 0;
  console.log(`\ntensors held by the worker: ${stats.tensors}; fetch attempts: ${stats.fetchAttempts}; process RSS ${rss} MiB; load average ${loadAfter.toFixed(1)} at the end`);
  await stopFacePool();

  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}biometrics-faces-latest.json`, JSON.stringify({
    at: new Date().toISOString(), runs: RUNS, loadAverage: [loadBefore, loadAfter], startMs: start, firstImageMs: first,
    astronaut: { template: small, decode: decodeSmall }, twelveMegapixels: { bytes: twelveMegapixels.length, template: large, decode: decodeLarge },
    cosines, tensors: stats.tensors, fetchAttempts: stats.fetchAttempts, rssMiB: rss,
  }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
