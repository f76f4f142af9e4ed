import { iou, type Box } from '@shiriki/geometry';

/** A box with a class and a score; boxes are `[x1, y1, x2, y2]`. */
export interface ScoredBox {
  readonly label_id: number;
  readonly score: number;
  readonly box: Box;
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
