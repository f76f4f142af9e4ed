import type { ObjectFilterConfig } from '@shiriki/config';
import { boxArea, bottomCentre, pointInPolygon, type Box } from '@shiriki/geometry';

/** Why a detection was dropped before tracking. */
export type FilterRejection = 'min_score' | 'min_area' | 'max_area' | 'min_ratio' | 'max_ratio' | 'mask';

/** The per-detection part of a label filter (`threshold` applies to tracks, not detections). */
export type DetectionFilter = Pick<
  ObjectFilterConfig,
  'min_score' | 'min_area' | 'max_area' | 'min_ratio' | 'max_ratio' | 'mask'
>;

/**
 * Frigate-style false-positive filter for one detection: score, area as a fraction of the frame, width/height
 * ratio, and object masks tested at the bottom centre of the box. Returns the first failing rule, or
 * undefined when the detection may be tracked.
 */
export function rejectDetection(
  score: number,
  box: Box,
  frameWidth: number,
  frameHeight: number,
  filter: DetectionFilter,
): FilterRejection | undefined {
  if (score < filter.min_score) return 'min_score';
  const area = boxArea(box) / (frameWidth * frameHeight);
  if (area < filter.min_area) return 'min_area';
  if (area > filter.max_area) return 'max_area';
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const ratio = h > 0 ? w / h : Infinity;
  if (ratio < filter.min_ratio) return 'min_ratio';
  if (ratio > filter.max_ratio) return 'max_ratio';
  if (filter.mask.length > 0) {
    const point = bottomCentre(box, frameWidth, frameHeight);
    for (const polygon of filter.mask) if (pointInPolygon(point, polygon)) return 'mask';
  }
  return undefined;
}

/** Median of the values (mean of the middle two for an even count); 0 when empty. */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
