import type { Detections } from '@shiriki/bus';
import type { Box } from '@shiriki/geometry';
import { KALMAN_STATE_LENGTH } from './kalman.js';
import type { TrackPhase, TrackedObject } from './tracked-object.js';
import { emptyPresence, type CompiledZone, type ZonePresence } from './zones.js';
import { TrackerStateError } from './errors.js';
import { median } from './filters.js';

export const TRACKER_STATE_VERSION = 1;

/** One open object in a hand-over (snake_case JSON like the bus messages). */
export interface ObjectState {
  id: string;
  label: string;
  phase: TrackPhase;
  hits: number;
  /** Kalman state, see kalman.ts for the layout. */
  kalman: number[];
  box: Box;
  first_seen: number;
  last_seen: number;
  last_sequence: number;
  frame_width: number;
  frame_height: number;
  last_score: number;
  scores: number[];
  top_score: number;
  anchor_box: Box;
  anchor_since: number;
  stationary: boolean;
  /** Presence per zone name; zones missing here (added to the config since) start empty. */
  presences: Record<string, ZonePresence>;
  zones: string[];
  entered_zones: string[];
  snapshot: {
    frame_sequence: number;
    capture_time: number;
    score: number;
    box: Box;
    key?: string;
  } | null;
  last_published: number;
  dirty: boolean;
  /** The tracker's `blind_ms` when the object was last seen; absent in states of older trackers (0). */
  blind_at_last_seen?: number;
  /** The tracker's `blind_ms` when the anchor was set; absent in states of older trackers (0). */
  blind_at_anchor?: number;
}

/** What {@link CameraTracker.exportState} returns: plain JSON, safe to put in a KV bucket. */
export interface TrackerState {
  version: number;
  camera: string;
  last_released_sequence: number | null;
  last_frame_time: number | null;
  clock: number;
  /** Capture time the camera's frames were missing beyond what ingest promises; absent in older states (0). */
  blind_ms?: number;
  late_frames: number;
  duplicate_frames: number;
  /** Frames received but not processed yet, in sequence order. */
  buffered: Detections[];
  objects: ObjectState[];
}

const copyBox = (box: Box): Box => [box[0], box[1], box[2], box[3]];

export function exportObject(o: TrackedObject, zones: readonly CompiledZone[]): ObjectState {
  const presences: Record<string, ZonePresence> = {};
  zones.forEach((zone, z) => {
    const presence = o.presences[z];
    if (presence !== undefined) presences[zone.name] = { ...presence };
  });
  const s = o.snapshot;
  return {
    id: o.id,
    label: o.label,
    phase: o.phase,
    hits: o.hits,
    kalman: Array.from(o.kalman),
    box: copyBox(o.box),
    first_seen: o.firstSeen,
    last_seen: o.lastSeen,
    last_sequence: o.lastSequence,
    frame_width: o.frameWidth,
    frame_height: o.frameHeight,
    last_score: o.lastScore,
    scores: o.scores.slice(),
    top_score: o.topScore,
    anchor_box: copyBox(o.anchorBox),
    anchor_since: o.anchorSince,
    stationary: o.stationary,
    presences,
    zones: o.zones.slice(),
    entered_zones: o.enteredZones.slice(),
    snapshot:
      s === undefined
        ? null
        : {
            frame_sequence: s.frameSequence,
            capture_time: s.captureTime,
            score: s.score,
            box: copyBox(s.box),
            ...(s.key === undefined ? {} : { key: s.key }),
          },
    last_published: o.lastPublished,
    dirty: o.dirty,
    blind_at_last_seen: o.blindAtLastSeen,
    blind_at_anchor: o.blindAtAnchor,
  };
}

export function importObject(s: ObjectState, zones: readonly CompiledZone[]): TrackedObject {
  if (s.kalman.length !== KALMAN_STATE_LENGTH)
    throw new TrackerStateError(`Object ${s.id}: Kalman state has ${s.kalman.length} values`);
  const known = new Set(zones.map((z) => z.name));
  return {
    id: s.id,
    label: s.label,
    phase: s.phase,
    hits: s.hits,
    kalman: Float64Array.from(s.kalman),
    box: copyBox(s.box),
    firstSeen: s.first_seen,
    lastSeen: s.last_seen,
    lastSequence: s.last_sequence,
    frameWidth: s.frame_width,
    frameHeight: s.frame_height,
    lastScore: s.last_score,
    scores: s.scores.slice(),
    score: median(s.scores),
    topScore: s.top_score,
    anchorBox: copyBox(s.anchor_box),
    anchorSince: s.anchor_since,
    stationary: s.stationary,
    presences: zones.map((zone) => {
      const p = s.presences[zone.name];
      return p === undefined ? emptyPresence() : { ...p };
    }),
    zones: s.zones.filter((z) => known.has(z)),
    enteredZones: s.entered_zones.slice(),
    snapshot:
      s.snapshot === null
        ? undefined
        : {
            frameSequence: s.snapshot.frame_sequence,
            captureTime: s.snapshot.capture_time,
            score: s.snapshot.score,
            box: copyBox(s.snapshot.box),
            ...(s.snapshot.key === undefined ? {} : { key: s.snapshot.key }),
          },
    lastPublished: s.last_published,
    dirty: s.dirty,
    blindAtLastSeen: s.blind_at_last_seen ?? 0,
    blindAtAnchor: s.blind_at_anchor ?? 0,
  };
}
