/**
 * An axis-aligned box `[x1, y1, x2, y2]` in full-frame pixels, as on the bus (motion boxes, detections):
 * columns `[x1, x2)` and rows `[y1, y2)`.
 */
export type Box = readonly [x1: number, y1: number, x2: number, y2: number];

/** Area in pixels; 0 for an empty or inverted box. */
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

/** Smallest box containing both boxes. */
export function unionBox(a: Box, b: Box): Box {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Whether two boxes share at least one pixel. */
export function boxesOverlap(a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
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
