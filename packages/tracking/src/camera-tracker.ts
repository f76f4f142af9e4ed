import { randomBytes } from 'node:crypto';
import type { Detection, Detections, ObjectEvent } from '@shiriki/bus';
import type { ObjectFilterConfig } from '@shiriki/config';
import { CameraMismatchError, TrackerStateError } from './errors.js';
import { bottomCentre, iou, type Box } from '@shiriki/geometry';
import { HungarianSolver } from './hungarian.js';
import { kalmanInit, kalmanPredict, kalmanPredictedBox, kalmanUpdate } from './kalman.js';
import { isConfirmed } from './confirmation.js';
import { median, rejectDetection, type FilterRejection } from './filters.js';
import {
  DEFAULT_OBJECT_FILTER,
  validateTrackerOptions,
  type ObjectIdContext,
  type TrackerOptions,
} from './options.js';
import { DEFAULT_SNAPSHOT_RULE, isBetterSnapshot, type SnapshotRule } from '@shiriki/snapshots';
import { exportObject, importObject, TRACKER_STATE_VERSION, type TrackerState } from './state.js';
import type { TrackedObject, TrackPhase } from './tracked-object.js';
import { silenceMs, unseenMs } from './silence.js';
import { compileZones, emptyPresence, observeZones, type CompiledZone } from './zones.js';

/** An object whose best snapshot is a given frame (see {@link CameraTracker.snapshotCandidates}). */
export interface SnapshotHolder {
  id: string;
  label: string;
  /** Whether the object already had its `new` event; others may still become real and publish it. */
  real: boolean;
  score: number;
  box: Box;
}

/** A read-only view of one open track. */
export interface OpenObject {
  id: string;
  label: string;
  phase: TrackPhase;
  box: Box;
  /** Median of the recent scores. */
  score: number;
  stationary: boolean;
  zones: string[];
  lastSeen: number;
}

/** Counters for metrics; they only grow (except `buffered` and the object counts). */
export interface TrackerStats {
  /** Frames dropped because a later frame had already been processed. */
  lateFrames: number;
  /** Frames dropped because the same sequence was already buffered or processed. */
  duplicateFrames: number;
  /**
   * Frames whose predecessor (`previous_sequence`) never came: at least one frame ingest sent for detection was
   * lost on the way, most often evicted from the frames stream while the detectors fell behind.
   */
  frameGaps: number;
  /** Detections dropped by `objects.filters`, by rule. */
  rejected: Record<FilterRejection, number>;
  buffered: number;
  objects: number;
  realObjects: number;
}

/** Why an object ended; published as the extra field `end_reason` of `end` events. */
export type EndReason = 'disappeared' | (string & {});

const UNMATCHED_COST = 1;
const INFEASIBLE_COST = 1e6;

const EMPTY_BOX: Box = [0, 0, 0, 0];

/** How much further than the distance gate an object is looked for in the first look after an outage. */
const OUTAGE_REACH_FACTOR = 2;

/**
 * Cost of matching a predicted box with a detected one: 1 - IoU (0..1 - minIou) when they overlap enough,
 * else 1 + centre distance / reach (1..2) when the centres are closer than `reach`, else infeasible. Leaving
 * an object and a detection unmatched costs 2, so any feasible match beats that, and overlap beats distance.
 * With `reach` 0, only overlap counts (finding an object box on box where it was last seen).
 */
function matchCost(predicted: Box, detected: Box, minIou: number, reach: number): number {
  const overlap = iou(predicted, detected);
  if (overlap >= minIou) return 1 - overlap;
  if (reach <= 0) return INFEASIBLE_COST;
  const dx = (predicted[0] + predicted[2] - detected[0] - detected[2]) / 2;
  const dy = (predicted[1] + predicted[3] - detected[1] - detected[3]) / 2;
  const distance = Math.sqrt(dx * dx + dy * dy);
  return distance < reach ? 1 + distance / reach : INFEASIBLE_COST;
}

function defaultIdFactory(context: ObjectIdContext): string {
  return `${context.camera}-${Math.floor(context.captureTime).toString(36)}-${randomBytes(5).toString('hex')}`;
}

/**
 * Turns the detections of one camera into tracked objects and object events. Pure and deterministic apart from
 * the default id factory: no timers, no I/O; time is the frames' capture time (or what `advance` is given).
 *
 * Per frame: objects gone too long end; detections of tracked labels pass `objects.filters`; per label,
 * each object's box is predicted to the frame's capture time with a constant-velocity Kalman filter and
 * matched to detections by a minimum-cost assignment (Hungarian) on 1 - IoU(predicted, detected), with a
 * centre-distance fallback for boxes that do not overlap (see `matchCost`); unmatched detections start tracks.
 * Events come out in a fixed order: ends first, then new/update per object in creation order.
 *
 * "Gone too long" counts the time the camera was watched. A gap in the frames longer than ingest ever leaves
 * while it reports objects is an outage (a camera or ingest restarting, NATS or the detectors down), up to
 * `silenceHoldMs` of it is not held against the objects, and the first look after it searches for them where
 * their motion would have carried them: a person who walks on through a ten-second outage stays one event, and
 * one who walked out is not the next to walk in.
 */
export class CameraTracker {
  private readonly options: TrackerOptions;
  private readonly zones: CompiledZone[];
  private readonly trackSet: ReadonlySet<string>;
  private readonly filters = new Map<string, ObjectFilterConfig>();
  private readonly idFactory: (context: ObjectIdContext) => string;
  private readonly solver = new HungarianSolver();
  private objects: TrackedObject[] = [];
  /** Frames waiting in sequence order. */
  private buffer: Detections[] = [];
  private lastReleasedSequence: number | undefined;
  private lastFrameTime: number | undefined;
  private clock = 0;
  /**
   * Capture time in which the camera's frames were missing beyond what ingest promises (an outage on the way,
   * see silence.ts); it does not count as time an object went unseen.
   */
  private blindMs = 0;
  /**
   * An outage ended and no frame since has been looked at: objects from before it are looked for a little
   * further in the first look. After that, whoever is not where an object was predicted is someone new.
   */
  private afterOutage = false;
  private readonly counters = {
    lateFrames: 0,
    duplicateFrames: 0,
    frameGaps: 0,
    rejected: { min_score: 0, min_area: 0, max_area: 0, min_ratio: 0, max_ratio: 0, mask: 0 },
  };
  // Scratch reused across frames to keep push allocation-light.
  private readonly byLabel = new Map<string, Detection[]>();
  private readonly labelObjects: TrackedObject[] = [];
  private cost = new Float64Array(0);
  private assignment = new Int32Array(0);
  private readonly predicted: Box[] = [];
  private readonly reach: number[] = [];
  /** Per object of the current association: where it was last seen, if it may have stayed there through an outage. */
  private readonly stayedAt: (Box | undefined)[] = [];
  private readonly observed = new Set<TrackedObject>();

  constructor(options: TrackerOptions) {
    validateTrackerOptions(options);
    this.options = options;
    this.zones = compileZones(options.zones);
    this.trackSet = new Set(options.track);
    for (const label of options.track) {
      this.filters.set(label, options.filters[label] ?? DEFAULT_OBJECT_FILTER);
      this.byLabel.set(label, []);
    }
    this.idFactory = options.idFactory ?? defaultIdFactory;
  }

  /** Restores a tracker from {@link exportState} of another process; objects keep their ids and phases. */
  static fromState(options: TrackerOptions, state: TrackerState): CameraTracker {
    if (state.version !== TRACKER_STATE_VERSION)
      throw new TrackerStateError(`Unsupported tracker state version ${String(state.version)}`);
    if (state.camera !== options.camera)
      throw new TrackerStateError(
        `Tracker state of camera ${state.camera} given to camera ${options.camera}`,
      );
    const tracker = new CameraTracker(options);
    tracker.lastReleasedSequence = state.last_released_sequence ?? undefined;
    tracker.lastFrameTime = state.last_frame_time ?? undefined;
    tracker.clock = state.clock;
    tracker.blindMs = state.blind_ms ?? 0;
    tracker.counters.lateFrames = state.late_frames;
    tracker.counters.duplicateFrames = state.duplicate_frames;
    tracker.buffer = state.buffered.slice().sort((a, b) => a.sequence - b.sequence);
    tracker.objects = state.objects
      .filter((o) => tracker.trackSet.has(o.label))
      .map((o) => importObject(o, tracker.zones));
    return tracker;
  }

  /** Serialisable state for a hand-over: open objects, the reorder buffer and the sequence watermark. */
  exportState(): TrackerState {
    return {
      version: TRACKER_STATE_VERSION,
      camera: this.options.camera,
      last_released_sequence: this.lastReleasedSequence ?? null,
      last_frame_time: this.lastFrameTime ?? null,
      clock: this.clock,
      blind_ms: this.blindMs,
      late_frames: this.counters.lateFrames,
      duplicate_frames: this.counters.duplicateFrames,
      buffered: this.buffer.map((d) => structuredClone(d)),
      objects: this.objects.map((o) => exportObject(o, this.zones)),
    };
  }

  /**
   * Feeds the detections of one frame. Frames may come out of order: a frame whose predecessor (it names it
   * in `previous_sequence`) is already processed is processed at once; others wait in a buffer of
   * `reorderWindowFrames` frames and are processed in sequence order once the buffer overflows or a buffered
   * frame is `reorderDelayMs` newer. A frame whose sequence is not above the last processed one is late and
   * dropped. Returns the events to publish, in order.
   */
  push(detections: Detections): ObjectEvent[] {
    if (detections.camera !== this.options.camera)
      throw new CameraMismatchError(this.options.camera, detections.camera);
    const seq = detections.sequence;
    if (this.lastReleasedSequence !== undefined && seq <= this.lastReleasedSequence) {
      if (seq === this.lastReleasedSequence) this.counters.duplicateFrames += 1;
      else this.counters.lateFrames += 1;
      return [];
    }
    let at = this.buffer.length;
    while (at > 0 && (this.buffer[at - 1]?.sequence ?? -1) > seq) at -= 1;
    if (this.buffer[at - 1]?.sequence === seq) {
      this.counters.duplicateFrames += 1;
      return [];
    }
    this.buffer.splice(at, 0, detections);
    const events: ObjectEvent[] = [];
    let newest = -Infinity;
    for (const frame of this.buffer) newest = Math.max(newest, frame.capture_time);
    for (;;) {
      const head = this.buffer[0];
      if (head === undefined) break;
      const overflow = this.buffer.length > this.options.reorderWindowFrames;
      if (
        !overflow &&
        !this.followsReleased(head) &&
        newest - head.capture_time <= this.options.reorderDelayMs
      )
        break;
      this.release(events);
    }
    return events;
  }

  /**
   * Whether no frame can still come between `frame` and the frames already released: it names its
   * predecessor (`previous_sequence`), and that one has been released. Such a frame goes out at once; one
   * without (an older producer, a predecessor lost on the way) waits as the reorder window says.
   */
  private followsReleased(frame: Detections): boolean {
    return (
      frame.previous_sequence !== undefined &&
      this.lastReleasedSequence !== undefined &&
      frame.previous_sequence <= this.lastReleasedSequence
    );
  }

  /**
   * Advances time to `nowMs` without a frame (nothing to detect, or a quiet camera): frames buffered longer
   * than `reorderDelayMs` are processed, then objects gone too long end and heartbeats fall due, all at
   * `nowMs - reorderDelayMs` (so frames still in flight are not outrun).
   */
  advance(nowMs: number): ObjectEvent[] {
    const watermark = nowMs - this.options.reorderDelayMs;
    const events: ObjectEvent[] = [];
    for (;;) {
      const head = this.buffer[0];
      if (head === undefined || head.capture_time > watermark) break;
      this.release(events);
    }
    this.tick(watermark, events);
    return events;
  }

  /** Processes every buffered frame now (for shutdown or tests). */
  flush(): ObjectEvent[] {
    const events: ObjectEvent[] = [];
    while (this.buffer.length > 0) this.release(events);
    return events;
  }

  /**
   * Processes the buffer, then ends every real object (camera removed, tracker stopping without hand-over).
   * `end_reason` of the events is `reason`; the tracker is empty afterwards.
   */
  endAll(nowMs: number, reason: EndReason): ObjectEvent[] {
    const events = this.flush();
    const time = Math.max(nowMs, this.lastFrameTime ?? 0);
    for (const object of this.objects)
      if (object.phase === 'real') events.push(this.event(object, 'end', time, reason));
    this.objects = [];
    return events;
  }

  /** Objects (real or not yet) whose best snapshot is frame `sequence`: keep that frame's JPEG for them. */
  snapshotCandidates(sequence: number): SnapshotHolder[] {
    const holders: SnapshotHolder[] = [];
    for (const o of this.objects) {
      if (o.snapshot?.frameSequence !== sequence) continue;
      holders.push({
        id: o.id,
        label: o.label,
        real: o.phase === 'real',
        score: o.snapshot.score,
        box: o.snapshot.box,
      });
    }
    return holders;
  }

  /** Frame sequences whose JPEG may still be needed: best snapshots of open objects and buffered frames. */
  retainedSnapshotSequences(): Set<number> {
    const sequences = new Set<number>();
    for (const o of this.objects) if (o.snapshot !== undefined) sequences.add(o.snapshot.frameSequence);
    for (const frame of this.buffer) sequences.add(frame.sequence);
    return sequences;
  }

  /**
   * Records the object-store key of an object's snapshot; later events carry it. Ignored when the object has
   * moved on to a better snapshot meanwhile. Returns whether the key was taken.
   */
  setSnapshotKey(id: string, frameSequence: number, key: string): boolean {
    const object = this.objects.find((o) => o.id === id);
    if (object?.snapshot?.frameSequence !== frameSequence) return false;
    object.snapshot.key = key;
    return true;
  }

  /** Open tracks in creation order, including those not real yet (for status pages and tests). */
  openObjects(): OpenObject[] {
    return this.objects.map((o) => ({
      id: o.id,
      label: o.label,
      phase: o.phase,
      box: o.box,
      score: o.score,
      stationary: o.stationary,
      zones: o.zones.slice(),
      lastSeen: o.lastSeen,
    }));
  }

  stats(): TrackerStats {
    let real = 0;
    for (const o of this.objects) if (o.phase === 'real') real += 1;
    return {
      lateFrames: this.counters.lateFrames,
      duplicateFrames: this.counters.duplicateFrames,
      frameGaps: this.counters.frameGaps,
      rejected: { ...this.counters.rejected },
      buffered: this.buffer.length,
      objects: this.objects.length,
      realObjects: real,
    };
  }

  private release(events: ObjectEvent[]): void {
    const frame = this.buffer.shift();
    if (frame === undefined) return;
    const previous = frame.previous_sequence;
    if (
      previous !== undefined &&
      this.lastReleasedSequence !== undefined &&
      previous > this.lastReleasedSequence
    )
      this.counters.frameGaps += 1;
    this.lastReleasedSequence = frame.sequence;
    if (this.lastFrameTime !== undefined && frame.capture_time < this.lastFrameTime) {
      this.counters.lateFrames += 1;
      return;
    }
    this.processFrame(frame, events);
  }

  private tick(time: number, events: ObjectEvent[]): void {
    if (time <= this.clock || (this.lastFrameTime !== undefined && time <= this.lastFrameTime)) return;
    this.clock = time;
    const silent = this.silenceSinceLastFrame(time);
    this.expire(time, this.blindMs + silent, events);
    for (const object of this.objects) this.heartbeat(object, time, events);
  }

  /** The outage part of the gap between the last frame and `time` (see silence.ts). */
  private silenceSinceLastFrame(time: number): number {
    return this.lastFrameTime === undefined
      ? 0
      : silenceMs(time - this.lastFrameTime, this.objects, this.options);
  }

  private expire(time: number, blindNow: number, events: ObjectEvent[]): void {
    let write = 0;
    for (const object of this.objects) {
      const limit = object.stationary
        ? this.options.stationaryMaxDisappearedMs
        : this.options.maxDisappearedMs;
      if (unseenMs(object, time, blindNow) >= limit) {
        if (object.phase === 'real') events.push(this.event(object, 'end', time, 'disappeared'));
        continue;
      }
      this.objects[write] = object;
      write += 1;
    }
    this.objects.length = write;
  }

  private heartbeat(object: TrackedObject, time: number, events: ObjectEvent[]): void {
    if (object.phase !== 'real' || time - object.lastPublished < this.options.heartbeatMs) return;
    events.push(this.event(object, 'update', time));
  }

  private processFrame(frame: Detections, events: ObjectEvent[]): void {
    const time = frame.capture_time;
    const silent = this.silenceSinceLastFrame(time);
    if (silent > 0) {
      this.blindMs += silent;
      this.afterOutage = true;
    }
    this.lastFrameTime = time;
    this.clock = Math.max(this.clock, time);
    this.expire(time, this.blindMs, events);

    for (const list of this.byLabel.values()) list.length = 0;
    for (const detection of frame.detections) {
      const list = this.byLabel.get(detection.label);
      const filter = this.filters.get(detection.label);
      if (list === undefined || filter === undefined) continue;
      const rejection = rejectDetection(detection.score, detection.box, frame.width, frame.height, filter);
      if (rejection !== undefined) {
        this.counters.rejected[rejection] += 1;
        continue;
      }
      list.push(detection);
    }

    // A frame the detector did not look at (no regions, nothing found) says nothing about missing objects.
    const looked = frame.region_count > 0 || frame.detections.length > 0;
    this.observed.clear();
    const created: TrackedObject[] = [];
    for (const label of this.options.track) {
      const detections = this.byLabel.get(label) ?? [];
      this.associate(label, detections, frame, created);
    }
    if (looked) {
      this.afterOutage = false;
      let write = 0;
      for (const object of this.objects) {
        if (object.phase === 'initializing' && !this.observed.has(object)) continue;
        this.objects[write] = object;
        write += 1;
      }
      this.objects.length = write;
    }
    for (const object of created) this.objects.push(object);

    for (const object of this.objects) {
      if (this.observed.has(object)) this.promote(object, time, events);
      else this.heartbeat(object, time, events);
    }
  }

  private associate(
    label: string,
    detections: Detection[],
    frame: Detections,
    created: TrackedObject[],
  ): void {
    const objects = this.labelObjects;
    objects.length = 0;
    for (const o of this.objects) if (o.label === label) objects.push(o);
    const rows = objects.length;
    const cols = detections.length;
    if (cols === 0) return;
    const matchedDetection = new Uint8Array(cols);
    if (rows > 0) {
      const time = frame.capture_time;
      this.predicted.length = 0;
      this.reach.length = 0;
      this.stayedAt.length = 0;
      // In the first look after an outage, an object last seen before it is looked for where its motion would
      // have carried it, a little further than usual (the prediction spans the whole gap), and not at all once
      // that is out of the frame; or where it was last seen, box on box (a person who stopped while nobody
      // watched). Wider would be wrong the other way: a new person walking in where the last one was seen would
      // raise no event of their own, and a missed newcomer is worse than an event in two parts.
      for (const o of objects) {
        const predicted = kalmanPredictedBox(o.kalman, (time - o.lastSeen) / 1000);
        this.predicted.push(predicted);
        const reach =
          this.options.distanceGate * Math.max(predicted[2] - predicted[0], predicted[3] - predicted[1]);
        const blinded = this.afterOutage && o.blindAtLastSeen < this.blindMs;
        const inView =
          predicted[2] > 0 && predicted[0] < frame.width && predicted[3] > 0 && predicted[1] < frame.height;
        this.reach.push(!blinded ? reach : inView ? OUTAGE_REACH_FACTOR * reach : 0);
        this.stayedAt.push(blinded ? o.box : undefined);
      }
      // Square matrix over objects + detections: each side may instead take a "stay unmatched" slot.
      const n = rows + cols;
      if (this.cost.length < n * n) this.cost = new Float64Array(n * n);
      if (this.assignment.length < n) this.assignment = new Int32Array(n);
      const cost = this.cost;
      const minIou = this.options.minIou;
      for (let i = 0; i < n; i += 1) {
        for (let j = 0; j < n; j += 1) {
          let c: number;
          if (i < rows && j < cols) {
            const detected = detections[j]?.box ?? EMPTY_BOX;
            c = matchCost(this.predicted[i] ?? EMPTY_BOX, detected, minIou, this.reach[i] ?? 0);
            const stayed = this.stayedAt[i];
            if (stayed !== undefined)
              c = Math.min(c, matchCost(stayed, detected, this.options.stationaryIou, 0));
          } else if (i < rows || j < cols) {
            c = UNMATCHED_COST;
          } else {
            c = 0;
          }
          cost[i * n + j] = c;
        }
      }
      const assignment = this.solver.solve(cost, n, n, UNMATCHED_COST, this.assignment);
      for (let i = 0; i < rows; i += 1) {
        const j = assignment[i] ?? -1;
        const object = objects[i];
        const detection = detections[j];
        if (j < 0 || j >= cols || object === undefined || detection === undefined) continue;
        if ((cost[i * n + j] ?? INFEASIBLE_COST) >= INFEASIBLE_COST) continue;
        matchedDetection[j] = 1;
        const stayed = this.stayedAt[i];
        // Found where it stood, not where its motion led: the speed it had before the outage is stale.
        if (
          stayed !== undefined &&
          matchCost(stayed, detection.box, this.options.stationaryIou, 0) === cost[i * n + j]
        )
          object.kalman = kalmanInit(stayed, this.options.kalman);
        this.observe(object, detection, frame);
      }
    }
    for (let j = 0; j < cols; j += 1) {
      const detection = detections[j];
      if (matchedDetection[j] === 1 || detection === undefined) continue;
      const object = this.createObject(detection, frame);
      created.push(object);
    }
  }

  private createObject(detection: Detection, frame: Detections): TrackedObject {
    const box: Box = [detection.box[0], detection.box[1], detection.box[2], detection.box[3]];
    const time = frame.capture_time;
    const object: TrackedObject = {
      id: this.idFactory({
        camera: this.options.camera,
        label: detection.label,
        captureTime: time,
        sequence: frame.sequence,
      }),
      label: detection.label,
      phase: 'initializing',
      hits: 0,
      kalman: kalmanInit(box, this.options.kalman),
      box,
      firstSeen: time,
      lastSeen: time,
      lastSequence: frame.sequence,
      frameWidth: frame.width,
      frameHeight: frame.height,
      lastScore: detection.score,
      scores: [],
      score: 0,
      topScore: 0,
      anchorBox: box,
      anchorSince: time,
      blindAtAnchor: this.blindMs,
      stationary: false,
      presences: this.zones.map(() => emptyPresence()),
      zones: [],
      enteredZones: [],
      snapshot: undefined,
      lastPublished: time,
      dirty: false,
      blindAtLastSeen: this.blindMs,
    };
    this.observe(object, detection, frame, true);
    return object;
  }

  private observe(object: TrackedObject, detection: Detection, frame: Detections, first = false): void {
    const time = frame.capture_time;
    const box: Box = [detection.box[0], detection.box[1], detection.box[2], detection.box[3]];
    if (!first) {
      kalmanPredict(object.kalman, (time - object.lastSeen) / 1000, this.options.kalman);
      kalmanUpdate(object.kalman, box, this.options.kalman);
    }
    this.observed.add(object);
    object.hits += 1;
    object.box = box;
    object.lastSeen = time;
    object.blindAtLastSeen = this.blindMs;
    object.lastSequence = frame.sequence;
    object.frameWidth = frame.width;
    object.frameHeight = frame.height;
    object.lastScore = detection.score;
    object.scores.push(detection.score);
    if (object.scores.length > this.options.scoreHistory) object.scores.shift();
    object.score = median(object.scores);
    if (object.score > object.topScore) object.topScore = object.score;

    if (iou(box, object.anchorBox) < this.options.stationaryIou) {
      object.anchorBox = box;
      object.anchorSince = time;
      object.blindAtAnchor = this.blindMs;
    }
    const atRestMs = time - object.anchorSince - (this.blindMs - object.blindAtAnchor);
    const stationary = atRestMs >= this.options.stationaryAfterMs && !first;
    if (stationary !== object.stationary) {
      object.stationary = stationary;
      object.dirty = true;
    }

    const point = bottomCentre(box, frame.width, frame.height);
    if (
      observeZones(this.zones, object.presences, object.label, point, time, object.zones, object.enteredZones)
    )
      object.dirty = true;

    const candidate = { frameSequence: frame.sequence, captureTime: time, score: detection.score, box };
    const rule: SnapshotRule = {
      frameWidth: frame.width,
      frameHeight: frame.height,
      edgeMarginPx: this.options.edgeMarginPx,
      scoreMargin: DEFAULT_SNAPSHOT_RULE.scoreMargin,
      areaFactor: DEFAULT_SNAPSHOT_RULE.areaFactor,
    };
    // A frame without a JPEG can never be shown, so it never becomes the best snapshot.
    if (frame.snapshot !== false && isBetterSnapshot(object.snapshot, candidate, rule)) {
      object.snapshot = candidate;
      object.dirty = true;
    }
  }

  private promote(object: TrackedObject, time: number, events: ObjectEvent[]): void {
    if (object.phase === 'initializing' && object.hits >= this.options.minInitializedFrames)
      object.phase = 'tracked';
    if (object.phase === 'tracked') {
      const threshold = this.filters.get(object.label)?.threshold ?? DEFAULT_OBJECT_FILTER.threshold;
      const confirmation = { scores: object.scores, median: object.score };
      if (
        isConfirmed(this.options.confirmation, confirmation, threshold, this.options.minInitializedFrames)
      ) {
        object.phase = 'real';
        events.push(this.event(object, 'new', time));
      }
      return;
    }
    if (object.phase !== 'real') return;
    if (object.dirty || time - object.lastPublished >= this.options.heartbeatMs)
      events.push(this.event(object, 'update', time));
  }

  private event(
    object: TrackedObject,
    type: ObjectEvent['type'],
    time: number,
    reason?: EndReason,
  ): ObjectEvent {
    object.lastPublished = time;
    object.dirty = false;
    const event: ObjectEvent = {
      type,
      id: object.id,
      camera: this.options.camera,
      label: object.label,
      score: object.score,
      top_score: object.topScore,
      box: [object.box[0], object.box[1], object.box[2], object.box[3]],
      zones: object.zones.slice(),
      entered_zones: object.enteredZones.slice(),
      start_time: object.firstSeen,
      frame_time: time,
      stationary: object.stationary,
    };
    if (type === 'end') {
      event.end_time = object.lastSeen;
      if (reason !== undefined) event['end_reason'] = reason;
    }
    const snapshot = object.snapshot;
    if (snapshot !== undefined) {
      event.snapshot = { frame_sequence: snapshot.frameSequence, score: snapshot.score, box: snapshot.box };
      if (snapshot.key !== undefined) event.snapshot.key = snapshot.key;
    }
    return event;
  }
}
