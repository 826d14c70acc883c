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

/** The map's name in echarts.registerMap: Natural Earth 1:110m countries from world-atlas, bundled (nothing is fetched). */
export const WORLD = 'world';
echarts.registerMap(WORLD, collection as unknown as Parameters<typeof echarts.registerMap>[1]);

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
