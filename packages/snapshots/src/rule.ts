import { boxArea, isOnEdge, type Box } from '@shiriki/geometry';

/** One frame's view of an object, as a snapshot candidate. */
export interface SnapshotCandidate {
  frameSequence: number;
  captureTime: number;
  /** Detection score in that frame. */
  score: number;
  box: Box;
}

export interface SnapshotRule {
  frameWidth: number;
  frameHeight: number;
  /** A box within this many pixels of the border counts as cut off by the frame edge. */
  edgeMarginPx: number;
  /** A score this much higher always wins. */
  scoreMargin: number;
  /** With comparable scores (within `scoreMargin`), an area this many times larger wins. */
  areaFactor: number;
}

export const DEFAULT_SNAPSHOT_RULE = { edgeMarginPx: 2, scoreMargin: 0.05, areaFactor: 1.1 } as const;

/**
 * Whether `candidate` should replace `current` as the object's best snapshot. Derived from Frigate's
 * `is_better_thumbnail`, in this order:
 * 1. no current snapshot: take it;
 * 2. a box cut by the frame edge never replaces one that is not, and one that is not always replaces one
 *    that is (Frigate only has the first half; a whole object beats a clipped one);
 * 3. a score higher by more than `scoreMargin` wins;
 * 4. otherwise, if the score is not lower by more than `scoreMargin`, an area larger by `areaFactor` wins
 *    (Frigate lets a bigger box win at any score; we keep it from trading a clear score for size).
 * The margins stop the snapshot flapping between near-identical frames.
 */
export function isBetterSnapshot(
  current: SnapshotCandidate | undefined,
  candidate: SnapshotCandidate,
  rule: SnapshotRule,
): boolean {
  if (current === undefined) return true;
  const { frameWidth: w, frameHeight: h, edgeMarginPx: m } = rule;
  const candidateCut = isOnEdge(candidate.box, w, h, m);
  const currentCut = isOnEdge(current.box, w, h, m);
  if (candidateCut && !currentCut) return false;
  if (!candidateCut && currentCut) return true;
  if (candidate.score > current.score + rule.scoreMargin) return true;
  if (candidate.score < current.score - rule.scoreMargin) return false;
  return boxArea(candidate.box) > boxArea(current.box) * rule.areaFactor;
}
