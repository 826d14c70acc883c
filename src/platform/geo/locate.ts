import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { alpha3FromNumeric } from './countries.js';

/**
 * Which country a point is in, from Natural Earth's 1:50m boundaries (world-atlas, shipped in the
 * package: nothing is fetched). A point in no country's polygon is at sea (or on a shape too small
 * for the scale); for it, the nearest country whose boundary is within a given distance.
 */

export type Located = { country: string; onLand: true } | { country: string; onLand: false; distanceKm: number };

const EARTH_RADIUS_KM = 6371.0088;
const CELL_DEGREES = 1;

// Shapes world-atlas gives no ISO numeric code. Kosovo uses XK/XKX, the user-assigned code in common
// use (IOM, the EU); Siachen Glacier, disputed, is left to the nearest-boundary search.
const UNNUMBERED: Record<string, string> = { Somaliland: 'SOM', 'N. Cyprus': 'CYP', Kosovo: 'XKX', 'Indian Ocean Ter.': 'AUS' };

/** A ring of a country's boundary: [lon, lat, lon, lat, …] and its box. */
interface Ring {
  country: number;
  points: Float64Array;
  west: number;
  south: number;
  east: number;
  north: number;
}

interface Country {
  code: string;
}

interface Index {
  countries: Country[];
  rings: Ring[];
  /** Boundary segments as unit vectors: ax, ay, az, bx, by, bz, country index per segment. */
  segments: Float64Array;
  /** Grid cell ("lon:lat" of its south-west corner) → segment numbers. */
  cells: Map<number, number[]>;
}

let index: Index | undefined;

const cellKey = (lonCell: number, latCell: number): number => (((lonCell % 360) + 360) % 360) * 1000 + (latCell + 90);

function unit(lon: number, lat: number): [number, number, number] {
  const l = (lon * Math.PI) / 180;
  const p = (lat * Math.PI) / 180;
  return [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)];
}

function load(): Index {
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const countries: Country[] = [];
  const rings: Ring[] = [];
  const segments: number[] = [];
  const cells = new Map<number, number[]>();
  for (const shape of collection.features) {
    if (shape.geometry.type !== 'Polygon' && shape.geometry.type !== 'MultiPolygon') continue;
    const code = shape.id !== undefined ? alpha3FromNumeric(shape.id) : UNNUMBERED[shape.properties.name];
    if (!code) continue;
    const country = countries.push({ code }) - 1;
    const polygons = shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates;
    for (const ring of polygons.flat()) {
      const points = Float64Array.from(ring.flatMap(([lon = 0, lat = 0]) => [lon, lat]));
      const lons = ring.map(([lon = 0]) => lon);
      const lats = ring.map(([, lat = 0]) => lat);
      rings.push({ country, points, west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) });
      for (let i = 1; i < ring.length; i++) {
        const [lon1 = 0, lat1 = 0] = ring[i - 1] ?? [];
        const [lon2 = 0, lat2 = 0] = ring[i] ?? [];
        // A jump across the antimeridian is a cut of the map, not a coast.
        if (Math.abs(lon2 - lon1) > 180) continue;
        const number = segments.length / 7;
        segments.push(...unit(lon1, lat1), ...unit(lon2, lat2), country);
        for (let x = Math.floor(Math.min(lon1, lon2) / CELL_DEGREES); x <= Math.floor(Math.max(lon1, lon2) / CELL_DEGREES); x++) {
          for (let y = Math.floor(Math.min(lat1, lat2) / CELL_DEGREES); y <= Math.floor(Math.max(lat1, lat2) / CELL_DEGREES); y++) {
            const key = cellKey(x, y);
            const list = cells.get(key);
            if (list) list.push(number);
            else cells.set(key, [number]);
          }
        }
      }
    }
  }
  return { countries, rings, segments: Float64Array.from(segments), cells };
}

/**
 * The country whose rings hold the point, by the even–odd rule on longitude and latitude as plane
 * coordinates: at 1:50m the edges are short enough that the sphere makes no difference, and
 * world-atlas cuts shapes at the antimeridian. A ring whose box misses the point cannot hold it.
 */
function containing(rings: readonly Ring[], lon: number, lat: number): number | undefined {
  const inside = new Map<number, boolean>();
  for (const ring of rings) {
    if (lon < ring.west || lon > ring.east || lat < ring.south || lat > ring.north) continue;
    const p = ring.points;
    let odd = false;
    for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2) {
      const xi = p[i] ?? 0, yi = p[i + 1] ?? 0, xj = p[j] ?? 0, yj = p[j + 1] ?? 0;
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) odd = !odd;
    }
    if (odd) inside.set(ring.country, !(inside.get(ring.country) ?? false));
  }
  for (const [country, isInside] of inside) if (isInside) return country;
  return undefined;
}

/** The angle (radians) between the point p and the great-circle segment a–b, all unit vectors. */
function segmentAngle(s: Float64Array, offset: number, p: readonly [number, number, number]): number {
  const ax = s[offset] ?? 0, ay = s[offset + 1] ?? 0, az = s[offset + 2] ?? 0;
  const bx = s[offset + 3] ?? 0, by = s[offset + 4] ?? 0, bz = s[offset + 5] ?? 0;
  const [px, py, pz] = p;
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
 * The country a point lies in, or, at sea, the country whose boundary is nearest within
 * `maxDistanceKm` (undefined beyond it). Coordinates are degrees (WGS 84).
 */
export function locate(latitude: number, longitude: number, maxDistanceKm = 250): Located | undefined {
  index ??= load();
  const land = containing(index.rings, longitude, latitude);
  if (land !== undefined) return { country: index.countries[land]?.code ?? '', onLand: true };
  const reach = maxDistanceKm / EARTH_RADIUS_KM;
  const reachDegrees = (reach * 180) / Math.PI;
  const latCells = [Math.floor((latitude - reachDegrees) / CELL_DEGREES), Math.floor((latitude + reachDegrees) / CELL_DEGREES)] as const;
  const widest = Math.min(89.9, Math.abs(latitude) + reachDegrees);
  const lonReach = Math.min(180, reachDegrees / Math.cos((widest * Math.PI) / 180));
  const lonCells = [Math.floor((longitude - lonReach) / CELL_DEGREES), Math.floor((longitude + lonReach) / CELL_DEGREES)] as const;
  const p = unit(longitude, latitude);
  let best = reach;
  let bestCountry = -1;
  const seen = new Set<number>();
  for (let x = lonCells[0]; x <= lonCells[1]; x++) {
    for (let y = Math.max(-90, latCells[0]); y <= Math.min(89, latCells[1]); y++) {
      for (const segment of index.cells.get(cellKey(x, y)) ?? []) {
        if (seen.has(segment)) continue;
        seen.add(segment);
        const angle = segmentAngle(index.segments, segment * 7, p);
        if (angle <= best) {
          best = angle;
          bestCountry = index.segments[segment * 7 + 6] ?? -1;
        }
      }
    }
  }
  const country = index.countries[bestCountry];
  return country ? { country: country.code, onLand: false, distanceKm: Math.round(best * EARTH_RADIUS_KM * 10) / 10 } : undefined;
}
