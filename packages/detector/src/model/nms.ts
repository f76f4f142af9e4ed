/** A box with a class and a score; boxes are `[x1, y1, x2, y2]`. */
export interface ScoredBox {
  readonly label_id: number;
  readonly score: number;
  readonly box: readonly [number, number, number, number];
}

export function iou(
  a: readonly [number, number, number, number],
  b: readonly [number, number, number, number],
): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression per class: boxes in descending score order, each dropped when its IoU with a
 * kept box of the same class exceeds `iouThreshold`. Returns the kept boxes, highest score first.
 */
export function nonMaxSuppression<T extends ScoredBox>(boxes: readonly T[], iouThreshold: number): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (!kept.some((k) => k.label_id === candidate.label_id && iou(k.box, candidate.box) > iouThreshold)) {
      kept.push(candidate);
    }
  }
  return kept;
}
