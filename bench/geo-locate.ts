/**
 * Speed of `locate` (src/platform/geo/locate.ts): the country of a point from Natural Earth's 1:10m
 * boundaries, with the sea rule (nearest coast within 250 km) for points at sea.
 *
 *   node --expose-gc --import tsx bench/geo-locate.ts [--points 1000000] [--seed 1]   (or npx tsx …, without the heap figure)
 *
 * Prints the load time (reading world-atlas's countries-10m.json and building the indexes, done once,
 * on first use), the heap it adds, and points per second for uniformly random points on the sphere
 * (seven in ten at sea, most of them far out) and for the points of the IOM Missing Migrants Project
 * file in ../shared/data (cite as "IOM Missing Migrants Project"), where it is there: mostly coasts
 * and borders, the hardest places. A single run on a shared machine is a rough figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { loadBoundaries, locate } from '../src/platform/geo/locate.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const count = Number(arg('points', '1000000'));
let seed = Number(arg('seed', '1')) >>> 0 || 1;
/** xorshift32: the same points every run. */
const random = (): number => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
};

function run(name: string, latitudes: Float64Array, longitudes: Float64Array): void {
  const tally = { land: 0, nearSea: 0, farSea: 0 };
  const started = performance.now();
  for (let i = 0; i < latitudes.length; i++) {
    const found = locate(latitudes[i] as number, longitudes[i] as number);
    if (!found) tally.farSea++;
    else if (found.onLand) tally.land++;
    else tally.nearSea++;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${name}: ${latitudes.length.toLocaleString('en')} points in ${seconds.toFixed(2)} s, ${Math.round(latitudes.length / seconds).toLocaleString('en')} points/s`
    + ` (on land ${tally.land}, at sea within 250 km ${tally.nearSea}, farther ${tally.farSea})`);
}

// The indexes are typed arrays, whose memory is outside the JavaScript heap: both are counted.
const held = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
globalThis.gc?.();
const heapBefore = held();
const loadStarted = performance.now();
loadBoundaries();
const loadSeconds = (performance.now() - loadStarted) / 1000;
globalThis.gc?.();
console.log(`load: ${loadSeconds.toFixed(2)} s, memory held +${Math.round((held() - heapBefore) / 1e6)} MB (heap and array buffers; rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)`);

// Uniform on the sphere: latitude from the arcsine of a uniform number.
const latitudes = new Float64Array(count);
const longitudes = new Float64Array(count);
for (let i = 0; i < count; i++) {
  latitudes[i] = (Math.asin(2 * random() - 1) * 180) / Math.PI;
  longitudes[i] = random() * 360 - 180;
}
run('random points', latitudes, longitudes);

const mmp = new URL('../../shared/data/missing-migrants-2019.csv', import.meta.url);
if (existsSync(mmp)) {
  const rows = parse(readFileSync(mmp), { columns: true, bom: true }) as Record<string, string>[];
  const points = rows
    .map((row) => /^(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$/.exec((row['Location Coordinates'] ?? '').trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [Number(match[1]), Number(match[2])] as const);
  // The file's points repeated to a million, so the figure is not the first rows' warm-up.
  const repeat = Math.max(1, Math.floor(count / points.length));
  const lat = new Float64Array(points.length * repeat);
  const lon = new Float64Array(points.length * repeat);
  for (let r = 0; r < repeat; r++) {
    points.forEach(([a, b], i) => {
      lat[r * points.length + i] = a;
      lon[r * points.length + i] = b;
    });
  }
  run(`MMP points (${points.length} points x ${repeat})`, lat, lon);
} else {
  console.log('MMP points: ../shared/data/missing-migrants-2019.csv is not there; skipped');
}
