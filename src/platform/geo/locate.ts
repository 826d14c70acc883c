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
 * Both searches go through indexes built once, on first use (about a second and some tens of MB):
 * containment through latitude bands of boundary edges (a point's ray to the east meets only the
 * edges of its band), the nearest boundary through a grid of great-circle segments searched from
 * the point's cell outwards.
 */

export type Located = { country: string; onLand: true } | { country: string; onLand: false; distanceKm: number };

const EARTH_RADIUS_KM = 6371.0088;
/** Latitude band height of the containment index, in degrees. */
const BAND_DEGREES = 0.05;
const BANDS = Math.ceil(180 / BAND_DEGREES);
/** Cell size of the nearest-boundary grid, in degrees. */
const CELL_DEGREES = 0.5;
const KM_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_KM;

/**
 * Shapes world-atlas gives no ISO numeric code, by the sovereign whose territory they are. Kosovo
 * uses XK/XKX, the user-assigned code in common use (IOM, the EU); Akrotiri and Dhekelia are the
 * United Kingdom's sovereign base areas; Guantánamo Bay and Baikonur are leased, and stay Cuba's and
 * Kazakhstan's; the Indian Ocean Territories (Christmas Island, Cocos) and the Coral Sea Islands are
 * Australia's; Clipperton is France's. Disputed shapes (Siachen Glacier, the Spratly Islands,
 * Scarborough Reef, Bajo Nuevo and Serranilla) are left to the nearest-boundary search.
 * (Ashmore and Cartier Islands carry Australia's code, 036, in the file itself.)
 */
const UNNUMBERED: Record<string, string> = {
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
  /** Edges by latitude band (CSR): band b's edges are entries bandStart[b] … bandStart[b + 1] - 1. */
  bandStart: Uint32Array;
  /** Per entry: x1, y1, x2, y2 of the edge (longitude, latitude). */
  bandEdges: Float64Array;
  /** Per entry: the country of the edge's ring. */
  bandCountry: Uint16Array;
  /** Boundary segments as unit vectors (ax, ay, az, bx, by, bz) and their country. */
  segments: Float64Array;
  segmentCountry: Uint16Array;
  /** Grid cell → its segments (CSR over cellKey). */
  cellStart: Uint32Array;
  cellSegments: Uint32Array;
}

let index: Index | undefined;

const LON_CELLS = Math.round(360 / CELL_DEGREES);
const LAT_CELLS = Math.round(180 / CELL_DEGREES);
const cellKey = (lonCell: number, latCell: number): number => (((lonCell % LON_CELLS) + LON_CELLS) % LON_CELLS) * LAT_CELLS + latCell;
const bandOf = (lat: number): number => Math.min(BANDS - 1, Math.max(0, Math.floor((lat + 90) / BAND_DEGREES)));

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
  for (let i = 0; i < pairs.length; i += 2) start[(pairs[i] as number) + 1]++;
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

function load(): Index {
  const { codes, rings: all } = rings();
  const edges: number[] = [];
  const edgeCountry: number[] = [];
  const bandPairs: number[] = [];
  const segments: number[] = [];
  const segmentCountry: number[] = [];
  const cellPairs: number[] = [];
  for (const { country, ring } of all) {
    for (let i = 1; i < ring.length; i++) {
      const [x1 = 0, y1 = 0] = ring[i - 1] ?? [];
      const [x2 = 0, y2 = 0] = ring[i] ?? [];
      // Containment: every edge with a latitude extent, in each band it spans.
      if (y1 !== y2) {
        const edge = edgeCountry.push(country) - 1;
        edges.push(x1, y1, x2, y2);
        for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b++) bandPairs.push(b, edge);
      }
      // A jump across the antimeridian is a cut of the map, not a coast.
      if (Math.abs(x2 - x1) > 180) continue;
      const segment = segmentCountry.push(country) - 1;
      segments.push(...unit(x1, y1), ...unit(x2, y2));
      const latLow = Math.max(0, Math.floor((Math.min(y1, y2) + 90) / CELL_DEGREES));
      const latHigh = Math.min(LAT_CELLS - 1, Math.floor((Math.max(y1, y2) + 90) / CELL_DEGREES));
      for (let x = Math.floor(Math.min(x1, x2) / CELL_DEGREES); x <= Math.floor(Math.max(x1, x2) / CELL_DEGREES); x++) {
        for (let y = latLow; y <= latHigh; y++) cellPairs.push(cellKey(x, y), segment);
      }
    }
  }
  const bands = compress(BANDS, bandPairs);
  const bandEdges = new Float64Array(bands.values.length * 4);
  const bandCountry = new Uint16Array(bands.values.length);
  bands.values.forEach((edge, entry) => {
    for (let k = 0; k < 4; k++) bandEdges[entry * 4 + k] = edges[edge * 4 + k] as number;
    bandCountry[entry] = edgeCountry[edge] as number;
  });
  const cells = compress(LON_CELLS * LAT_CELLS, cellPairs);
  return {
    codes,
    bandStart: bands.start,
    bandEdges,
    bandCountry,
    segments: Float64Array.from(segments),
    segmentCountry: Uint16Array.from(segmentCountry),
    cellStart: cells.start,
    cellSegments: cells.values,
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
 * coordinates, over the edges of the point's latitude band: the ray east from the point crosses a
 * country's rings an odd number of times when it is inside. At 1:10m the edges are short enough that
 * the sphere makes no difference, and world-atlas cuts shapes at the antimeridian.
 */
function containing(ix: Index, lon: number, lat: number): number | undefined {
  const band = bandOf(lat);
  const e = ix.bandEdges;
  for (let entry = ix.bandStart[band] as number, end = ix.bandStart[band + 1] as number; entry < end; entry++) {
    const at = entry * 4;
    const x1 = e[at] as number, y1 = e[at + 1] as number, x2 = e[at + 2] as number, y2 = e[at + 3] as number;
    if (y1 > lat !== y2 > lat && lon < ((x2 - x1) * (lat - y1)) / (y2 - y1) + x1) {
      const country = ix.bandCountry[entry] as number;
      if (parity[country] === 0) touched.push(country);
      parity[country] = (parity[country] as number) ^ 1;
    }
  }
  let found: number | undefined;
  for (const country of touched) {
    if (parity[country] === 1 && found === undefined) found = country;
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

/**
 * The nearest boundary segment within `reach` (radians): the grid's cells are searched in square
 * rings around the point's cell, and the search stops once the next ring cannot be nearer than the
 * best found so far.
 */
function nearest(ix: Index, lon: number, lat: number, reach: number): { country: number; angle: number } | undefined {
  const [px, py, pz] = unit(lon, lat);
  const lonCell = Math.floor(lon / CELL_DEGREES);
  const latCell = Math.floor((lat + 90) / CELL_DEGREES);
  const reachDegrees = (reach * 180) / Math.PI;
  const maxRing = Math.ceil(reachDegrees / CELL_DEGREES / Math.max(0.01, Math.cos((Math.min(89.9, Math.abs(lat) + reachDegrees) * Math.PI) / 180))) + 1;
  const ringLimit = Math.min(maxRing, LON_CELLS / 2);
  let best = reach;
  let bestCountry = -1;
  const seen = new Set<number>();
  const visit = (x: number, y: number): void => {
    if (y < 0 || y >= LAT_CELLS) return;
    const key = cellKey(x, y);
    for (let k = ix.cellStart[key] as number, end = ix.cellStart[key + 1] as number; k < end; k++) {
      const segment = ix.cellSegments[k] as number;
      if (seen.has(segment)) continue;
      seen.add(segment);
      const angle = segmentAngle(ix.segments, segment * 6, px, py, pz);
      if (angle <= best) {
        best = angle;
        bestCountry = ix.segmentCountry[segment] as number;
      }
    }
  };
  for (let ring = 0; ring <= ringLimit; ring++) {
    // Every cell of this ring and beyond is at least (ring - 1) cells away in latitude or longitude;
    // in longitude a cell is narrowest at the ring's highest latitude.
    if (ring > 1) {
      const highest = Math.min(89.9, Math.abs(lat) + ring * CELL_DEGREES);
      const gapDegrees = (ring - 1) * CELL_DEGREES * Math.min(1, Math.cos((highest * Math.PI) / 180));
      if ((gapDegrees * KM_PER_DEGREE) / EARTH_RADIUS_KM > best) break;
    }
    if (ring === 0) {
      visit(lonCell, latCell);
      continue;
    }
    for (let dx = -ring; dx <= ring; dx++) {
      visit(lonCell + dx, latCell - ring);
      visit(lonCell + dx, latCell + ring);
    }
    for (let dy = -ring + 1; dy <= ring - 1; dy++) {
      visit(lonCell - ring, latCell + dy);
      visit(lonCell + ring, latCell + dy);
    }
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
