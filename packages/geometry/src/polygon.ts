import type { Box } from './box.js';

/** A point in normalised frame coordinates (0..1, origin top-left), as in zones and masks. */
export type NormalisedPoint = readonly [x: number, y: number];

/** Bottom centre of the box (where an object stands), normalised by the frame size. */
export function bottomCentre(box: Box, width: number, height: number): NormalisedPoint {
  return [(box[0] + box[2]) / 2 / width, box[3] / height];
}

/**
 * Even-odd ray casting. Points exactly on an edge may fall either way; zones and masks are drawn by hand,
 * so a consistent answer matters more than an inclusive one.
 */
export function pointInPolygon(point: NormalisedPoint, polygon: readonly NormalisedPoint[]): boolean {
  const [x, y] = point;
  let inside = false;
  const n = polygon.length;
  for (let i = 0, j = n - 1; i < n; j = i, i += 1) {
    const pi = polygon[i];
    const pj = polygon[j];
    if (pi === undefined || pj === undefined) continue;
    const [xi, yi] = pi;
    const [xj, yj] = pj;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
