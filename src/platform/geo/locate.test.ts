import { geoDistance } from 'd3-geo';
import { describe, expect, test } from 'vitest';
import { locate } from './locate.js';

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
