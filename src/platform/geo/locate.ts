import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { alpha3FromNumeric } from './countries.js';

/**
 * Which country a point is in, from Natural Earth's 1:10m boundaries (world-atlas, shipped in the
 * package: nothing is fetched), fine enough for enclaves and small islands (Ceuta, Melilla,
 * Gibraltar, Lampedusa, Oecusse). A point in no country's polygon is at sea; for it, the country
 * whose boundary is nearest within a given distance (the sea rule), or none beyond it.
 *
 * One grid of 0.25° cells, built once on first use (about a second), serves both searches. A cell no
 * boundary touches is wholly in one country or wholly at sea, and says which: most points are
 * answered by that alone. In a cell a boundary touches, the ray east from the point is followed
 * through the touched cells to the first untouched one, counting the boundaries it crosses (the
 * even–odd rule). The nearest boundary is searched through the cells' great-circle segments, from the
 * point's cell outwards, until no nearer cell is left.
 */

export type Located = { country: string; onLand: true } | { country: string; onLand: false; distanceKm: number };

const EARTH_RADIUS_KM = 6371.0088;
/** Cell size of the grid, in degrees. */
const CELL_DEGREES = 0.25;

/**
 * Shapes world-atlas gives no ISO numeric code, by the sovereign whose territory they are. Kosovo
 * uses XK/XKX, the user-assigned code in common use (IOM, the EU); Akrotiri and Dhekelia are the
 * United Kingdom's sovereign base areas; Guantánamo Bay and Baikonur are leased, and stay Cuba's and
 * Kazakhstan's; the Indian Ocean Territories (Christmas Island, Cocos) and the Coral Sea Islands are
 * Australia's; Clipperton is France's. Disputed shapes (Siachen Glacier, the Spratly Islands,
 * Scarborough Reef, Bajo Nuevo and Serranilla) are left to the nearest-boundary search.
 * (Ashmore and Cartier Islands carry Australia's code, 036, in the file itself.)
 */
export const UNNUMBERED: Readonly<Record<string, string>> = {
  Somaliland: 'SOM',
  'N. Cyprus': 'CYP',
  'Cyprus U.N. Buffer Zone': 'CYP',
  Kosovo: 'XKX',
  Akrotiri: 'GBR',
  Dhekelia: 'GBR',
  'USNB Guantanamo Bay': 'CUB',
  Baikonur: 'KAZ',
  'Indian Ocean Ter.': 'AUS',
  'Coral Sea Is.': 'AUS',
  'Clipperton I.': 'FRA',
};

interface Index {
  codes: string[];
  /** Per cell (row-major from the south-west): SEA, the country + 1 of a cell wholly in it, or TOUCHED. */
  state: Uint16Array;
  /** Cell → its boundary edges with a latitude extent (CSR), as x1, y1, x2, y2 and the country. */
  edgeStart: Uint32Array;
  edges: Float64Array;
  edgeCountry: Uint16Array;
  /** Cell → its boundary segments as unit vectors (ax, ay, az, bx, by, bz) and the country (CSR). */
  segmentStart: Uint32Array;
  segments: Float64Array;
  segmentCountry: Uint16Array;
  /** Per cell: the longest of its segments (radians), for the cheap bound on the nearest search. */
  longest: Float64Array;
  /** Per block of BLOCK × BLOCK cells: 1 when any of its cells has segments (open ocean is answered at once). */
  blocks: Uint8Array;
}

const SEA = 0;
const TOUCHED = 0xffff;
const LON_CELLS = Math.round(360 / CELL_DEGREES);
const LAT_CELLS = Math.round(180 / CELL_DEGREES);
const CELL_ANGLE = (CELL_DEGREES * Math.PI) / 180;
const BLOCK = 20;
const LON_BLOCKS = LON_CELLS / BLOCK;
const LAT_BLOCKS = LAT_CELLS / BLOCK;

let index: Index | undefined;

const colOf = (lon: number): number => Math.min(LON_CELLS - 1, Math.max(0, Math.floor((lon + 180) / CELL_DEGREES)));
const rowOf = (lat: number): number => Math.min(LAT_CELLS - 1, Math.max(0, Math.floor((lat + 90) / CELL_DEGREES)));
const wrap = (col: number): number => ((col % LON_CELLS) + LON_CELLS) % LON_CELLS;

function unit(lon: number, lat: number): [number, number, number] {
  const l = (lon * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  return [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)];
}

/** Countries' rings, each with its country number. */
function rings(): { codes: string[]; rings: { country: number; ring: Position[] }[] } {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-10m.json'), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const codes: string[] = [];
  const found: { country: number; ring: Position[] }[] = [];
  for (const shape of collection.features) {
    if (shape.geometry.type !== 'Polygon' && shape.geometry.type !== 'MultiPolygon') continue;
    const code = shape.id !== undefined ? alpha3FromNumeric(shape.id) : UNNUMBERED[shape.properties.name];
    if (!code) continue;
    let country = codes.indexOf(code);
    if (country < 0) country = codes.push(code) - 1;
    const polygons = shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates;
    for (const ring of polygons.flat()) found.push({ country, ring });
  }
  return { codes, rings: found };
}

/** Compressed rows: for each key, the values pushed under it, in one typed array. */
function compress(keys: number, pairs: number[]): { start: Uint32Array; values: Uint32Array } {
  const start = new Uint32Array(keys + 1);
  for (let i = 0; i < pairs.length; i += 2) {
    const next = (pairs[i] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let k = 0; k < keys; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const at = start.slice(0, keys);
  const values = new Uint32Array(pairs.length / 2);
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i] as number;
    values[at[key] as number] = pairs[i + 1] as number;
    at[key] = (at[key] as number) + 1;
  }
  return { start, values };
}

/** Each cell of a row no edge touches: the country (+ 1) its middle line is in, by the crossings east of it. */
function fillRow(row: number, rowEdges: readonly number[], edges: readonly number[], edgeCountry: readonly number[], state: Uint16Array): void {
  const lat = (row + 0.5) * CELL_DEGREES - 90;
  const crossings: { x: number; country: number }[] = [];
  for (const edge of rowEdges) {
    const x1 = edges[edge * 4] as number, y1 = edges[edge * 4 + 1] as number, x2 = edges[edge * 4 + 2] as number, y2 = edges[edge * 4 + 3] as number;
    if (y1 > lat !== y2 > lat) crossings.push({ x: ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1, country: edgeCountry[edge] as number });
  }
  crossings.sort((a, b) => b.x - a.x);
  const odd = new Set<number>();
  let next = 0;
  for (let col = LON_CELLS - 1; col >= 0; col--) {
    const middle = (col + 0.5) * CELL_DEGREES - 180;
    for (; next < crossings.length && (crossings[next] as { x: number }).x > middle; next++) {
      const country = (crossings[next] as { country: number }).country;
      if (odd.has(country)) odd.delete(country);
      else odd.add(country);
    }
    const cell = row * LON_CELLS + col;
    if (state[cell] === TOUCHED) continue;
    const [inside] = odd;
    state[cell] = inside === undefined ? SEA : inside + 1;
  }
}

function load(): Index {
  const { codes, rings: all } = rings();
  const edges: number[] = [];
  const edgeCountry: number[] = [];
  const edgePairs: number[] = [];
  const rowEdges: number[][] = Array.from({ length: LAT_CELLS }, () => []);
  const segments: number[] = [];
  const segmentCountry: number[] = [];
  const segmentPairs: number[] = [];
  const segmentLength: number[] = [];
  const state = new Uint16Array(LON_CELLS * LAT_CELLS);
  for (const { country, ring } of all) {
    for (let i = 1; i < ring.length; i++) {
      const [x1 = 0, y1 = 0] = ring[i - 1] ?? [];
      const [x2 = 0, y2 = 0] = ring[i] ?? [];
      const rowLow = rowOf(Math.min(y1, y2));
      const rowHigh = rowOf(Math.max(y1, y2));
      const colLow = colOf(Math.min(x1, x2));
      const colHigh = colOf(Math.max(x1, x2));
      // Containment: every cell an edge's box touches is touched (a horizontal edge too: the sides above
      // and below it differ); the edges with a latitude extent are listed (a horizontal one crosses no ray).
      const crossable = y1 !== y2;
      const edge = crossable ? edgeCountry.push(country) - 1 : -1;
      if (crossable) edges.push(x1, y1, x2, y2);
      for (let row = rowLow; row <= rowHigh; row++) {
        if (crossable) (rowEdges[row] as number[]).push(edge);
        for (let col = colLow; col <= colHigh; col++) {
          if (crossable) edgePairs.push(row * LON_CELLS + col, edge);
          state[row * LON_CELLS + col] = TOUCHED;
        }
      }
      // The nearest coast: a jump across the antimeridian is a cut of the map, not a coast.
      if (Math.abs(x2 - x1) > 180) continue;
      const segment = segmentCountry.push(country) - 1;
      const a = unit(x1, y1);
      const b = unit(x2, y2);
      segments.push(...a, ...b);
      segmentLength.push(Math.acos(Math.max(-1, Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]))));
      for (let row = rowLow; row <= rowHigh; row++) for (let col = colLow; col <= colHigh; col++) segmentPairs.push(row * LON_CELLS + col, segment);
    }
  }
  for (let row = 0; row < LAT_CELLS; row++) fillRow(row, rowEdges[row] as number[], edges, edgeCountry, state);
  const byCell = compress(LON_CELLS * LAT_CELLS, edgePairs);
  const cellEdges = new Float64Array(byCell.values.length * 4);
  const cellEdgeCountry = new Uint16Array(byCell.values.length);
  byCell.values.forEach((edge, entry) => {
    for (let k = 0; k < 4; k++) cellEdges[entry * 4 + k] = edges[edge * 4 + k] as number;
    cellEdgeCountry[entry] = edgeCountry[edge] as number;
  });
  const bySegmentCell = compress(LON_CELLS * LAT_CELLS, segmentPairs);
  const cellSegments = new Float64Array(bySegmentCell.values.length * 6);
  const cellSegmentCountry = new Uint16Array(bySegmentCell.values.length);
  const longest = new Float64Array(LON_CELLS * LAT_CELLS);
  const blocks = new Uint8Array(LON_BLOCKS * LAT_BLOCKS);
  for (let cell = 0; cell < LON_CELLS * LAT_CELLS; cell++) {
    for (let entry = bySegmentCell.start[cell] as number, end = bySegmentCell.start[cell + 1] as number; entry < end; entry++) {
      const segment = bySegmentCell.values[entry] as number;
      for (let k = 0; k < 6; k++) cellSegments[entry * 6 + k] = segments[segment * 6 + k] as number;
      cellSegmentCountry[entry] = segmentCountry[segment] as number;
      longest[cell] = Math.max(longest[cell] as number, segmentLength[segment] as number);
    }
    if (bySegmentCell.start[cell + 1] !== bySegmentCell.start[cell]) {
      blocks[Math.floor(Math.floor(cell / LON_CELLS) / BLOCK) * LON_BLOCKS + Math.floor((cell % LON_CELLS) / BLOCK)] = 1;
    }
  }
  return {
    codes,
    state,
    edgeStart: byCell.start,
    edges: cellEdges,
    edgeCountry: cellEdgeCountry,
    segmentStart: bySegmentCell.start,
    segments: cellSegments,
    segmentCountry: cellSegmentCountry,
    longest,
    blocks,
  };
}

/** Loads the boundaries now rather than on the first point (a server may warm up at start). */
export function loadBoundaries(): void {
  index ??= load();
}

const parity = new Uint8Array(1024);
const touched: number[] = [];

/**
 * The country whose rings hold the point, by the even–odd rule on longitude and latitude as plane
 * coordinates (at 1:10m the edges are short enough that the sphere makes no difference, and
 * world-atlas cuts shapes at the antimeridian). In a cell no boundary touches, the cell's country.
 * Otherwise the ray east from the point crosses, in the touched cells it passes, each country's rings
 * an odd number of times where the point's side differs from the first untouched cell's (or from
 * the open sea past the antimeridian, where the ray ends).
 */
function containing(ix: Index, lon: number, lat: number): number | undefined {
  const row = rowOf(lat);
  let col = colOf(lon);
  let cell = row * LON_CELLS + col;
  let cellState = ix.state[cell] as number;
  if (cellState !== TOUCHED) return cellState === SEA ? undefined : cellState - 1;
  const e = ix.edges;
  for (;;) {
    const west = col * CELL_DEGREES - 180;
    const east = west + CELL_DEGREES;
    for (let entry = ix.edgeStart[cell] as number, end = ix.edgeStart[cell + 1] as number; entry < end; entry++) {
      const at = entry * 4;
      const x1 = e[at] as number, y1 = e[at + 1] as number, x2 = e[at + 2] as number, y2 = e[at + 3] as number;
      if (y1 > lat === y2 > lat) continue;
      const x = ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1;
      // Each crossing counted in the one cell whose span holds it (an edge is listed in every cell its box touches).
      if (x > lon && (x >= west || col === 0) && (x < east || col === LON_CELLS - 1)) {
        const country = ix.edgeCountry[entry] as number;
        if (parity[country] === 0) touched.push(country);
        parity[country] = (parity[country] as number) ^ 1;
      }
    }
    col++;
    if (col === LON_CELLS) {
      cellState = SEA;
      break;
    }
    cell++;
    cellState = ix.state[cell] as number;
    if (cellState !== TOUCHED) break;
  }
  // Inside a country: its side differs from the untouched cell's where the crossings were odd.
  const beyond = cellState === SEA ? -1 : cellState - 1;
  let found: number | undefined = beyond >= 0 && parity[beyond] !== 1 ? beyond : undefined;
  for (const country of touched) {
    if (found === undefined && country !== beyond && parity[country] === 1) found = country;
    parity[country] = 0;
  }
  touched.length = 0;
  return found;
}

/** The angle (radians) between the point p and the great-circle segment a–b, all unit vectors. */
function segmentAngle(s: Float64Array, offset: number, px: number, py: number, pz: number): number {
  const ax = s[offset] as number, ay = s[offset + 1] as number, az = s[offset + 2] as number;
  const bx = s[offset + 3] as number, by = s[offset + 4] as number, bz = s[offset + 5] as number;
  const angle = (x: number, y: number, z: number): number => {
    const cx = py * z - pz * y, cy = pz * x - px * z, cz = px * y - py * x;
    return Math.atan2(Math.hypot(cx, cy, cz), px * x + py * y + pz * z);
  };
  let nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
  const length = Math.hypot(nx, ny, nz);
  const ends = Math.min(angle(ax, ay, az), angle(bx, by, bz));
  if (length < 1e-12) return ends;
  nx /= length; ny /= length; nz /= length;
  const dot = px * nx + py * ny + pz * nz;
  // The foot of the perpendicular lies on the segment when it is between a and b along the circle.
  const fx = px - dot * nx, fy = py - dot * ny, fz = pz - dot * nz;
  const afn = (ay * fz - az * fy) * nx + (az * fx - ax * fz) * ny + (ax * fy - ay * fx) * nz;
  const fbn = (fy * bz - fz * by) * nx + (fz * bx - fx * bz) * ny + (fx * by - fy * bx) * nz;
  return afn >= 0 && fbn >= 0 ? Math.min(Math.abs(Math.asin(Math.max(-1, Math.min(1, dot)))), ends) : ends;
}

/** Whether any block within the search's rows and columns holds a segment: open ocean has none. */
function blocksInReach(ix: Index, pointCol: number, pointRow: number, lat: number, latRows: number, reach: number): boolean {
  const rowLow = Math.max(0, pointRow - latRows);
  const rowHigh = Math.min(LAT_CELLS - 1, pointRow + latRows);
  const highest = Math.min(89.99, Math.max(Math.abs(lat), Math.abs(rowLow * CELL_DEGREES - 90), Math.abs((rowHigh + 1) * CELL_DEGREES - 90)));
  const columns = Math.min(LON_CELLS / 2, Math.ceil(reach / (CELL_ANGLE * Math.cos((highest * Math.PI) / 180))) + 1);
  const blockColLow = Math.floor((pointCol - columns) / BLOCK);
  const blockColHigh = Math.floor((pointCol + columns) / BLOCK);
  for (let blockRow = Math.floor(rowLow / BLOCK); blockRow <= Math.floor(rowHigh / BLOCK); blockRow++) {
    for (let blockCol = blockColLow; blockCol <= blockColHigh; blockCol++) {
      if (ix.blocks[blockRow * LON_BLOCKS + (((blockCol % LON_BLOCKS) + LON_BLOCKS) % LON_BLOCKS)] === 1) return true;
    }
  }
  return false;
}

/**
 * The nearest boundary segment within `reach` (radians): the grid's rows are searched outwards from
 * the point's, and each row's cells outwards from the point's longitude, each stopping once the next
 * cells cannot be nearer than the best found so far. A segment whose first end is farther than the
 * best plus the cell's longest segment cannot be nearer, which one dot product tells.
 */
function nearest(ix: Index, lon: number, lat: number, reach: number): { country: number; angle: number } | undefined {
  const pointCol = colOf(lon);
  const pointRow = rowOf(lat);
  const latRows = Math.ceil(reach / CELL_ANGLE) + 1;
  if (!blocksInReach(ix, pointCol, pointRow, lat, latRows, reach)) return undefined;
  const [px, py, pz] = unit(lon, lat);
  let best = reach;
  let bestCountry = -1;
  const s = ix.segments;
  const visit = (col: number, row: number): void => {
    const cell = row * LON_CELLS + wrap(col);
    const start = ix.segmentStart[cell] as number;
    const end = ix.segmentStart[cell + 1] as number;
    if (start === end) return;
    const limit = Math.cos(Math.min(Math.PI, best + (ix.longest[cell] as number)));
    for (let entry = start; entry < end; entry++) {
      const at = entry * 6;
      if (px * (s[at] as number) + py * (s[at + 1] as number) + pz * (s[at + 2] as number) < limit) continue;
      const angle = segmentAngle(s, at, px, py, pz);
      if (angle <= best) {
        best = angle;
        bestCountry = ix.segmentCountry[entry] as number;
      }
    }
  };
  const scanRow = (row: number): void => {
    // A cell of this row is at least (j - 1) cells away in longitude, where a cell is narrowest: at
    // the row's or the point's highest latitude.
    const highest = Math.min(89.99, Math.max(Math.abs(lat), Math.abs(row * CELL_DEGREES - 90), Math.abs((row + 1) * CELL_DEGREES - 90)));
    const width = CELL_ANGLE * Math.cos((highest * Math.PI) / 180);
    const columns = Math.min(LON_CELLS / 2, Math.ceil(reach / width) + 1);
    for (let j = 0; j <= columns; j++) {
      if (j > 1 && (j - 1) * width > best) break;
      visit(pointCol + j, row);
      if (j > 0 && j < LON_CELLS / 2) visit(pointCol - j, row);
    }
  };
  for (let k = 0; k <= latRows; k++) {
    if (k > 1 && (k - 1) * CELL_ANGLE > best) break;
    if (pointRow - k >= 0) scanRow(pointRow - k);
    if (k > 0 && pointRow + k < LAT_CELLS) scanRow(pointRow + k);
  }
  return bestCountry >= 0 ? { country: bestCountry, angle: best } : undefined;
}

/**
 * The country a point lies in, or, at sea, the country whose boundary is nearest within
 * `maxDistanceKm` (undefined beyond it). Coordinates are degrees (WGS 84).
 */
export function locate(latitude: number, longitude: number, maxDistanceKm = 250): Located | undefined {
  index ??= load();
  const land = containing(index, longitude, latitude);
  if (land !== undefined) return { country: index.codes[land] ?? '', onLand: true };
  const near = nearest(index, longitude, latitude, maxDistanceKm / EARTH_RADIUS_KM);
  const code = near ? index.codes[near.country] : undefined;
  return near && code ? { country: code, onLand: false, distanceKm: Math.round(near.angle * EARTH_RADIUS_KM * 10) / 10 } : undefined;
}
