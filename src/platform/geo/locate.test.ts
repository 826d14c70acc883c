import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoDistance } from 'd3-geo';
import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, test } from 'vitest';
import { alpha3FromNumeric } from './countries.js';
import { locate, UNNUMBERED } from './locate.js';

describe('locate', () => {
  test('a point on land is in its country', () => {
    expect(locate(38.777, 42.739)).toEqual({ country: 'TUR', onLand: true }); // Lake Van, inside Türkiye's polygon
    expect(locate(-6.2, 106.8)).toEqual({ country: 'IDN', onLand: true }); // Jakarta
  });

  // At 1:50m these became Morocco, Morocco and Tunisia (the 40 of 40, 29 of 30, 10 of 12).
  test('enclaves and small islands are their own country, not their neighbour', () => {
    expect(locate(35.8925, -5.3153)).toEqual({ country: 'ESP', onLand: true }); // Port of Ceuta
    expect(locate(35.912383552874, -5.357673338898)).toEqual({ country: 'ESP', onLand: true }); // Calamocarro beach, Ceuta (an MMP row)
    expect(locate(35.2923, -2.9381)).toEqual({ country: 'ESP', onLand: true }); // Melilla
    expect(locate(36.1408, -5.3536)).toEqual({ country: 'GIB', onLand: true }); // Gibraltar, beside Spain
    expect(locate(35.5079, 12.5969)).toEqual({ country: 'ITA', onLand: true }); // Lampedusa, nearer Tunisia than Sicily
    expect(locate(-10.49, 105.63)).toEqual({ country: 'AUS', onLand: true }); // Christmas Island (Indian Ocean Ter., no ISO number in the file)
    expect(locate(-12.433, 123.588)).toEqual({ country: 'AUS', onLand: true }); // Cartier Island (Ashmore and Cartier Is.)
    expect(locate(-9.35, 124.25)).toEqual({ country: 'TLS', onLand: true }); // Oecusse, Timor-Leste's exclave inside Indonesian West Timor
    expect(locate(-9.6, 124.1)).toEqual({ country: 'IDN', onLand: true }); // West Timor, just south of Oecusse
  });

  test('a point at sea takes the nearest coast within the distance, or none', () => {
    const sado = locate(38.154, 138.086);
    expect(sado).toMatchObject({ country: 'JPN', onLand: false });
    // The coast is nearer than the middle of Sado Island, and not on top of the point.
    const toMiddle = geoDistance([138.086, 38.154], [138.38, 38.05]) * 6371.0088;
    const distance = sado && !sado.onLand ? sado.distanceKm : Infinity;
    expect(distance).toBeGreaterThan(1);
    expect(distance).toBeLessThan(toMiddle);
    // Ashmore Reef has no polygon at 1:10m; the nearest boundary is Australia's Cartier Island, about 60 km east.
    const ashmore = locate(-12.2583, 123.0417);
    expect(ashmore).toMatchObject({ country: 'AUS', onLand: false });
    expect(ashmore && !ashmore.onLand ? ashmore.distanceKm : 0).toBeGreaterThan(50);
    expect(ashmore && !ashmore.onLand ? ashmore.distanceKm : 0).toBeLessThan(70);
    // Off Lampedusa, at sea: Italy's island is nearer than Tunisia's coast.
    expect(locate(35.45, 12.5)).toMatchObject({ country: 'ITA', onLand: false });
  });

  test('far at sea there is no country', () => {
    expect(locate(0, -140)).toBeUndefined();
    expect(locate(34.0, 17.7)).toBeUndefined(); // the central Mediterranean, over 250 km from Libya, Malta and Italy
    expect(locate(34.0, 17.7, 400)).toMatchObject({ onLand: false });
    expect(locate(-20, 80)).toBeUndefined(); // the Indian Ocean
    expect(locate(13.498141, 89.487406)).toBeUndefined(); // the Bay of Bengal (an MMP row)
  });

  test('the nearest coast is the nearest, whichever cell of the index it is in', () => {
    // Brute force over a ring of bearings: the answer's distance is never beaten by a point on land nearer.
    const point = { lat: 35.0, lon: 15.0 }; // between Malta, Sicily and Lampedusa
    const found = locate(point.lat, point.lon);
    expect(found).toMatchObject({ onLand: false });
    const distance = found && !found.onLand ? found.distanceKm : 0;
    for (let bearing = 0; bearing < 360; bearing += 5) {
      const step = (distance * 0.95) / 6371.0088;
      const b = (bearing * Math.PI) / 180;
      const lat1 = (point.lat * Math.PI) / 180;
      const lat2 = Math.asin(Math.sin(lat1) * Math.cos(step) + Math.cos(lat1) * Math.sin(step) * Math.cos(b));
      const lon2 = point.lon + (Math.atan2(Math.sin(b) * Math.sin(step) * Math.cos(lat1), Math.cos(step) - Math.sin(lat1) * Math.sin(lat2)) * 180) / Math.PI;
      expect(locate((lat2 * 180) / Math.PI, lon2)?.onLand).toBe(false);
    }
  });
});

describe('the containment index', () => {
  test('agrees with a scan of every ring on random points', () => {
    // The reference: the even–odd rule over all rings of every shape, without any index.
    const require = createRequire(import.meta.url);
    const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-10m.json'), 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const shapes = (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>).features.flatMap((shape) => {
      const code = shape.id !== undefined ? alpha3FromNumeric(shape.id) : UNNUMBERED[shape.properties.name];
      if (!code || (shape.geometry.type !== 'Polygon' && shape.geometry.type !== 'MultiPolygon')) return [];
      const polygons = shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates;
      return [{ code, rings: polygons.flat() }];
    });
    const reference = (lat: number, lon: number): string | undefined =>
      shapes.find(({ rings }) => {
        let odd = false;
        for (const ring of rings) {
          for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const [xi = 0, yi = 0] = ring[i] ?? [];
            const [xj = 0, yj = 0] = ring[j] ?? [];
            if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) odd = !odd;
          }
        }
        return odd;
      })?.code;
    let seed = 12345;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    let onLand = 0;
    for (let n = 0; n < 400; n++) {
      // Mostly where the land is, and some points within a few km of the Strait of Gibraltar's coasts.
      const [lat, lon] = n % 4 === 0 ? [35.8 + random() * 0.4, -5.6 + random() * 0.5] : [-56 + random() * 130, -180 + random() * 360];
      const found = locate(lat, lon, 0);
      const expected = reference(lat, lon);
      expect(found?.onLand ? found.country : undefined, `${lat}, ${lon}`).toBe(expected);
      if (expected) onLand++;
    }
    expect(onLand).toBeGreaterThan(100);
  });
});
