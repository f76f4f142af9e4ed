import type { Detection } from '@shiriki/bus';
import { boxArea, iou, isOnEdge } from '@shiriki/geometry';
import { withoutUndefined } from '@shiriki/options';

export interface SnapshotPolicyOptions {
  /** Lowest detection score that makes a frame worth a snapshot at all. */
  threshold: number;
  /**
   * How long a published snapshot can stand in for later frames of its camera. Once a camera has had no
   * snapshot for this long, the next frame with a worthy detection gets one whatever it shows.
   */
  intervalMs: number;
  /** Labels each camera tracks (`objects.track`); a camera not listed counts every label. */
  trackedLabels?: ReadonlyMap<string, ReadonlySet<string>>;
  /** IoU a box needs with a box of a recent snapshot to count as the same object. */
  matchIou?: number;
  /**
   * A snapshot box within this many pixels of the border may be cut by the frame edge; it only stands in for
   * boxes that touch the border. Must be at least the tracker's edge margin (2 px).
   */
  edgeMarginPx?: number;
  /** Snapshots remembered per camera. */
  maxSnapshotsPerCamera?: number;
  /** Cameras remembered; the one whose last snapshot is oldest is forgotten first. */
  maxCameras?: number;
}

export const SNAPSHOT_POLICY_DEFAULTS = {
  intervalMs: 1000,
  matchIou: 0.5,
  edgeMarginPx: 8,
  maxSnapshotsPerCamera: 16,
  maxCameras: 1024,
} as const;

/** The part of a frame's `Detections` the policy looks at. */
export interface SnapshotFrame {
  camera: string;
  sequence: number;
  captureTime: number;
  width: number;
  height: number;
  detections: readonly Detection[];
}

export type SnapshotDecision =
  /** No detection of a tracked label reaches the threshold: the tracker has nothing to keep. */
  | { snapshot: false; reason: 'nothing_worthy'; worthy: readonly Detection[] }
  /** Every worthy detection is matched by a recent snapshot of the same object that is at least as good. */
  | { snapshot: false; reason: 'covered'; worthy: readonly Detection[] }
  /** No snapshot of this camera within the interval (or this worker never sent one). */
  | { snapshot: true; reason: 'no_recent'; worthy: readonly Detection[] }
  /** Some worthy detection might make a better snapshot than any recent one of its object. */
  | { snapshot: true; reason: 'may_be_better'; worthy: readonly Detection[] };

interface SentSnapshot {
  sequence: number;
  captureTime: number;
  detections: readonly Detection[];
}

interface CameraState {
  width: number;
  height: number;
  sent: SentSnapshot[];
}

/**
 * Decides which frames are worth a JPEG snapshot. The tracker keeps, per object, the frame that wins its
 * best-snapshot rule (`isBetterSnapshot` in `rule.ts`: a box not cut by the frame edge beats a cut
 * one, then a clearly higher score, then a clearly larger area) and can only upload that frame's JPEG if one
 * was published. A frame is therefore skipped only when each of its worthy detections is *dominated* by a
 * detection of the same object in an earlier published snapshot: score and area no larger, and cut by the
 * edge whenever that one may be. The tracker has already compared that earlier detection with its best,
 * and whatever margins the rule uses, a dominated detection cannot win where the dominating one lost (or
 * was later replaced), so the best frame it keeps always has a JPEG.
 *
 * The state is soft and per worker: a worker that has not seen a camera's snapshots (restart, another
 * worker took those frames) only sends an extra JPEG. Snapshots older than `intervalMs` are forgotten, so
 * a camera with worthy detections gets at least one snapshot per interval. "Same object" is a same-label
 * box with IoU >= `matchIou` that is each other's best match; the tracker associates differently (Kalman
 * prediction, Hungarian assignment), so two objects of one label overlapping heavily can still be mixed up.
 */
export class SnapshotPolicy {
  private readonly cameras = new Map<string, CameraState>();
  private readonly o: Required<Omit<SnapshotPolicyOptions, 'trackedLabels'>>;

  constructor(private readonly options: SnapshotPolicyOptions) {
    this.o = { ...SNAPSHOT_POLICY_DEFAULTS, ...withoutUndefined(options), threshold: options.threshold };
    if (!(this.o.intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${this.o.intervalMs}`);
  }

  /** Cameras with remembered snapshots. */
  get size(): number {
    return this.cameras.size;
  }

  /** Detections that may become a tracked object's snapshot: tracked label, score >= threshold. */
  worthy(frame: SnapshotFrame): Detection[] {
    const tracked = this.options.trackedLabels?.get(frame.camera);
    return frame.detections.filter(
      (d) => d.score >= this.o.threshold && (tracked === undefined || tracked.has(d.label)),
    );
  }

  decide(frame: SnapshotFrame): SnapshotDecision {
    const worthy = this.worthy(frame);
    if (worthy.length === 0) return { snapshot: false, reason: 'nothing_worthy', worthy };
    const state = this.cameras.get(frame.camera);
    if (state === undefined || state.width !== frame.width || state.height !== frame.height) {
      return { snapshot: true, reason: 'no_recent', worthy };
    }
    // Only snapshots the tracker has seen before this frame can stand in for it: earlier sequence and time.
    const usable = state.sent.filter(
      (s) =>
        s.sequence < frame.sequence &&
        s.captureTime <= frame.captureTime &&
        frame.captureTime - s.captureTime <= this.o.intervalMs,
    );
    if (usable.length === 0) return { snapshot: true, reason: 'no_recent', worthy };
    const covered = worthy.every((d) => usable.some((s) => this.dominatedBy(d, worthy, s.detections, frame)));
    return covered
      ? { snapshot: false, reason: 'covered', worthy }
      : { snapshot: true, reason: 'may_be_better', worthy };
  }

  /** Remembers a published snapshot of `frame` with its worthy detections (see {@link decide}). */
  record(frame: SnapshotFrame, worthy: readonly Detection[]): void {
    let state = this.cameras.get(frame.camera);
    if (state === undefined || state.width !== frame.width || state.height !== frame.height) {
      state = { width: frame.width, height: frame.height, sent: [] };
    }
    // Re-inserting keeps the map ordered by last snapshot.
    this.cameras.delete(frame.camera);
    this.cameras.set(frame.camera, state);
    state.sent = state.sent.filter((s) => frame.captureTime - s.captureTime <= this.o.intervalMs);
    state.sent.push({ sequence: frame.sequence, captureTime: frame.captureTime, detections: [...worthy] });
    if (state.sent.length > this.o.maxSnapshotsPerCamera) state.sent.shift();
    if (this.cameras.size > this.o.maxCameras) {
      const oldest = this.cameras.keys().next();
      if (!oldest.done) this.cameras.delete(oldest.value);
    }
  }

  /** Whether `d` is dominated by its mutual best same-label match among a snapshot's `sent` detections. */
  private dominatedBy(
    d: Detection,
    worthy: readonly Detection[],
    sent: readonly Detection[],
    frame: SnapshotFrame,
  ): boolean {
    const match = bestMatch(d, sent);
    if (match === undefined || match.overlap < this.o.matchIou) return false;
    if (bestMatch(match.detection, worthy)?.detection !== d) return false;
    const s = match.detection;
    if (d.score > s.score || boxArea(d.box) > boxArea(s.box)) return false;
    if (!isOnEdge(s.box, frame.width, frame.height, this.o.edgeMarginPx)) return true;
    return isOnEdge(d.box, frame.width, frame.height, 0);
  }
}

function bestMatch(
  d: Detection,
  among: readonly Detection[],
): { detection: Detection; overlap: number } | undefined {
  let best: { detection: Detection; overlap: number } | undefined;
  for (const other of among) {
    if (other.label !== d.label) continue;
    const overlap = iou(d.box, other.box);
    if (overlap > 0 && (best === undefined || overlap > best.overlap)) best = { detection: other, overlap };
  }
  return best;
}
