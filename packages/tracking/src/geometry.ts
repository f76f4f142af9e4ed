/** `[x1, y1, x2, y2]` in full-frame pixels, as on the bus. */
export type Box = readonly [x1: number, y1: number, x2: number, y2: number];

/** A point in normalised frame coordinates (0..1, origin top-left), as in zones and masks. */
export type NormalisedPoint = readonly [x: number, y: number];

export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

/** Intersection over union of two boxes, 0 when either is empty or they do not overlap. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

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

/** True when the box touches the frame border within `marginPx`: the object is probably cut off. */
export function isOnEdge(box: Box, width: number, height: number, marginPx: number): boolean {
  return (
    box[0] <= marginPx ||
    box[1] <= marginPx ||
    box[2] >= width - 1 - marginPx ||
    box[3] >= height - 1 - marginPx
  );
}
