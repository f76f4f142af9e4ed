import type { Box } from '@shiriki/geometry';
import type { SnapshotCandidate } from '@shiriki/snapshots';
import type { ZonePresence } from './zones.js';

/**
 * Lifecycle of a track: `initializing` until it has been detected in `minInitializedFrames` consecutive
 * frames (a miss drops it silently), then `tracked` (a candidate that is not yet believed: its scores do not pass
 * the confirmation rule, see `ConfirmationRule`), then `real` once they do. Only real objects produce
 * events, and a real object stays real (as in Frigate).
 */
export type TrackPhase = 'initializing' | 'tracked' | 'real';

/** The best snapshot of an object so far; `key` is set by the service once the JPEG is uploaded. */
export interface BestSnapshot extends SnapshotCandidate {
  key?: string;
}

/** Mutable state of one tracked object (the Kalman state is kept next to it as a typed array). */
export interface TrackedObject {
  id: string;
  label: string;
  phase: TrackPhase;
  /** Frames the object was detected in. */
  hits: number;
  kalman: Float64Array;
  /** Last detected box (events report measured boxes, not filtered ones). */
  box: Box;
  firstSeen: number;
  lastSeen: number;
  lastSequence: number;
  frameWidth: number;
  frameHeight: number;
  /** Last detection score. */
  lastScore: number;
  /** Recent detection scores, oldest first, at most `scoreHistory`. */
  scores: number[];
  /** Median of `scores`. */
  score: number;
  topScore: number;
  /** Where the object came to rest; reset whenever the box moves away from it. */
  anchorBox: Box;
  anchorSince: number;
  /** The tracker's blind time when the anchor was set: an outage is not time spent at rest. */
  blindAtAnchor: number;
  stationary: boolean;
  /** Aligned with the tracker's compiled zones. */
  presences: ZonePresence[];
  zones: string[];
  enteredZones: string[];
  snapshot: BestSnapshot | undefined;
  /** Capture time of the last event published for it (heartbeats count from here). */
  lastPublished: number;
  /** Something an update should report happened since the last event. */
  dirty: boolean;
  /** The tracker's blind time when the object was last seen: blind time since then does not count as unseen. */
  blindAtLastSeen: number;
}
