import { geoDistance } from 'd3-geo';
import { describe, expect, test } from 'vitest';
import { locate } from './locate.js';

describe('locate', () => {
  test('a point on land is in its country', () => {
    expect(locate(38.777, 42.739)).toEqual({ country: 'TUR', onLand: true }); // Lake Van, inside Türkiye's polygon
    expect(locate(-10.49, 105.63)).toEqual({ country: 'AUS', onLand: true }); // Christmas Island (Indian Ocean Territories)
    expect(locate(-6.2, 106.8)).toEqual({ country: 'IDN', onLand: true }); // Jakarta
  });

  test('a point at sea takes the nearest coast within the distance, or none', () => {
    const sado = locate(38.154, 138.086);
    expect(sado).toMatchObject({ country: 'JPN', onLand: false });
    // The coast is nearer than the middle of Sado Island, and not on top of the point.
    const toMiddle = geoDistance([138.086, 38.154], [138.38, 38.05]) * 6371.0088;
    const distance = sado && !sado.onLand ? sado.distanceKm : Infinity;
    expect(distance).toBeGreaterThan(1);
    expect(distance).toBeLessThan(toMiddle);
    expect(locate(0, -140)).toBeUndefined();
    expect(locate(34.0, 17.7)).toBeUndefined(); // the central Mediterranean, over 250 km from Libya, Malta and Italy
    expect(locate(34.0, 17.7, 400)).toMatchObject({ onLand: false });
  });
});
