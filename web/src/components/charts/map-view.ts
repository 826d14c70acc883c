/** The part of the world the dashboard's map shapes cover (longitudes run past 180° for the Pacific; no Antarctica). */
export const WORLD_EXTENT = { west: -180, east: 190, south: -56, north: 84 } as const;
const MAX_ZOOM = 40;
/** How much one press of + or − changes the zoom. */
export const ZOOM_STEP = 1.5;

export interface MapView {
  /** Longitude and latitude of the middle of the view. */
  center: [number, number];
  /** ECharts geo zoom: 1 shows the whole map. */
  zoom: number;
}

/**
 * The view that fits a set of points (longitude, latitude) with a margin: its middle, and the zoom
 * at which their extent fills most of the map; the whole map when there are none.
 */
export function fitView(points: readonly (readonly [number, number])[], margin = 0.15): MapView {
  const whole: MapView = { center: [(WORLD_EXTENT.west + WORLD_EXTENT.east) / 2, (WORLD_EXTENT.south + WORLD_EXTENT.north) / 2], zoom: 1 };
  if (points.length === 0) return whole;
  const longitudes = points.map(([longitude]) => longitude);
  const latitudes = points.map(([, latitude]) => latitude);
  const west = Math.min(...longitudes);
  const east = Math.max(...longitudes);
  const south = Math.min(...latitudes);
  const north = Math.max(...latitudes);
  // A single point, or points close together, still show the land around them (about 20° across).
  const width = Math.max(east - west, 20) * (1 + 2 * margin);
  const height = Math.max(north - south, 12) * (1 + 2 * margin);
  const zoom = Math.min((WORLD_EXTENT.east - WORLD_EXTENT.west) / width, (WORLD_EXTENT.north - WORLD_EXTENT.south) / height);
  return { center: [(west + east) / 2, (south + north) / 2], zoom: clampZoom(zoom) };
}

/** A zoom kept between the whole map and a close view. */
export function clampZoom(zoom: number): number {
  return Math.round(Math.min(MAX_ZOOM, Math.max(1, zoom)) * 100) / 100;
}
