import { BarChart, LineChart, LinesChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import countries from 'i18n-iso-countries';
import { feature } from 'topojson-client';
import world from 'world-atlas/countries-110m.json' with { type: 'json' };

// Only the parts the dashboard uses, to keep the bundle small.
echarts.use([BarChart, LineChart, LinesChart, SankeyChart, ScatterChart, GeoComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Position = number[];
interface Shape {
  id?: string | number;
  properties: { name?: string } | null;
  geometry: { type: string; coordinates: unknown } | null;
}

type Topology = Parameters<typeof feature>[0];
const topology = world as unknown as Topology;
const collection = feature(topology, topology.objects.countries as Parameters<typeof feature>[1]) as unknown as { type: 'FeatureCollection'; features: Shape[] };

/**
 * Rings that cross the 180° meridian (Russia, Fiji) jump from +180 to -180 and draw lines across the
 * map: their longitudes are made continuous instead (the region of the process is Pacific-centred).
 * Antarctica is left out.
 */
function unwrapRing(ring: Position[]): Position[] {
  let previous: number | undefined;
  return ring.map(([longitude = 0, latitude = 0]) => {
    let x = longitude;
    if (previous !== undefined) {
      while (x - previous > 180) x -= 360;
      while (previous - x > 180) x += 360;
    }
    previous = x;
    return [x, latitude];
  });
}

function unwrap(geometry: Shape['geometry']): Shape['geometry'] {
  if (!geometry) return geometry;
  if (geometry.type === 'Polygon') return { ...geometry, coordinates: (geometry.coordinates as Position[][]).map(unwrapRing) };
  if (geometry.type === 'MultiPolygon') return { ...geometry, coordinates: (geometry.coordinates as Position[][][]).map((polygon) => polygon.map(unwrapRing)) };
  return geometry;
}

const mapShapes = { ...collection, features: collection.features.filter((shape) => String(shape.id) !== '010').map((shape) => ({ ...shape, geometry: unwrap(shape.geometry) })) };

/** The map's name in echarts.registerMap: Natural Earth 1:110m countries from world-atlas, bundled (nothing is fetched). */
export const WORLD = 'world';
echarts.registerMap(WORLD, mapShapes as unknown as Parameters<typeof echarts.registerMap>[1]);

/** A point inside each country (the centre of its largest ring's bounds), by ISO alpha-3 code, for route lines. */
export const COUNTRY_POINTS: ReadonlyMap<string, [number, number]> = (() => {
  const points = new Map<string, [number, number]>();
  for (const shape of collection.features) {
    const code = shape.id === undefined ? undefined : countries.numericToAlpha3(String(shape.id).padStart(3, '0'));
    if (!code || !shape.geometry) continue;
    const polygons = (shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates) as Position[][][];
    let best: Position[] = [];
    for (const polygon of polygons) if ((polygon[0]?.length ?? 0) > best.length) best = polygon[0] ?? [];
    const xs = best.map((p) => p[0] ?? 0);
    const ys = best.map((p) => p[1] ?? 0);
    if (xs.length > 0) points.set(code, [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]);
  }
  return points;
})();

export { echarts };
