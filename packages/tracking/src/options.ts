import type { CameraConfig, ObjectFilterConfig, ZoneConfig } from '@shiriki/config';
import { DEFAULT_KALMAN_NOISE, type KalmanNoise } from './kalman.js';
import type { ConfirmationRule } from './confirmation.js';
import { InvalidTrackerOptionError } from './errors.js';

/** Context handed to an id factory when a new track starts. */
export interface ObjectIdContext {
  camera: string;
  label: string;
  /** Capture time of the first detection of the object. */
  captureTime: number;
  sequence: number;
}

/** Everything a {@link CameraTracker} needs; build it from config with {@link trackerOptionsFromCamera}. */
export interface TrackerOptions {
  camera: string;
  /** Labels to track (`objects.track`); detections of other labels are ignored. */
  track: readonly string[];
  /** `objects.filters`; a tracked label without an entry uses {@link DEFAULT_OBJECT_FILTER}. */
  filters: Readonly<Record<string, ObjectFilterConfig>>;
  zones: Readonly<Record<string, ZoneConfig>>;
  /** `detect.fps`: converts frame counts of the config into time. */
  fps: number;
  /** `detect.min_initialized_frames`: consecutive detections before a track may become real. */
  minInitializedFrames: number;
  /** `detect.max_disappeared_s` in ms, measured in capture time. */
  maxDisappearedMs: number;
  /** `detect.stationary.threshold / fps` in ms: how long a box must stay put to be stationary. */
  stationaryAfterMs: number;
  /**
   * How long a stationary object may go undetected. Ingest confirms stationary objects only with refresh
   * frames every `detect.stationary.interval_frames`, so the default is `max_disappeared` plus two refresh
   * intervals: missing one refresh is not enough to end a parked car.
   */
  stationaryMaxDisappearedMs: number;
  /**
   * `detect.silence_hold_s` in ms. While no frame of the camera arrives at all (the camera, its ingest, the bus
   * or the detectors are down), that silence is not time the object went unseen, up to this long; objects keep
   * their ids through an outage this short. 0 counts silence as unseen time.
   */
  silenceHoldMs: number;
  /**
   * `ingest.tracked_frame_interval_s` in ms: while a moving real object is open, ingest sends a frame at least
   * this often, so a longer gap in the frames is silence, not a scene without the object.
   */
  trackedFrameIntervalMs: number;
  /** IoU with the box where the object came to rest at or above which it has not moved. */
  stationaryIou: number;
  /** Frames buffered to put out-of-order detections back in sequence order. */
  reorderWindowFrames: number;
  /**
   * Time window of the reorder buffer: a frame is released once a buffered frame is this much newer, or
   * once `advance(now)` passes its capture time plus this delay.
   */
  reorderDelayMs: number;
  /** `events.heartbeat_s` in ms: an update for every active object at least this often. */
  heartbeatMs: number;
  /** Minimum IoU between a predicted box and a detection to associate them by overlap. */
  minIou: number;
  /**
   * Fallback when they do not overlap enough (fast objects at low fps, and the second frame, before the
   * filter knows a velocity): centres closer than this fraction of the predicted box's larger side may still
   * match, always ranked after every overlap match.
   */
  distanceGate: number;
  /** Recent detection scores whose median decides whether a track is real. */
  scoreHistory: number;
  /** When a tracked candidate becomes real; see {@link ConfirmationRule}. Default `recent`. */
  confirmation: ConfirmationRule;
  /** Pixels from the border within which a box counts as cut off (snapshot selection). */
  edgeMarginPx: number;
  kalman: KalmanNoise;
  /** Makes object ids; ids must be unique across processes (the default adds random bits). */
  idFactory?: (context: ObjectIdContext) => string;
}

export const DEFAULT_OBJECT_FILTER: ObjectFilterConfig = {
  min_score: 0.5,
  threshold: 0.7,
  min_area: 0,
  max_area: 1,
  min_ratio: 0,
  max_ratio: 24,
  mask: [],
};

/** Defaults of the options that have no config key. */
export const TRACKER_DEFAULTS = {
  stationaryIou: 0.6,
  reorderWindowFrames: 3,
  reorderDelayMs: 2000,
  heartbeatMs: 60_000,
  minIou: 0.1,
  distanceGate: 0.75,
  scoreHistory: 10,
  confirmation: 'recent' as ConfirmationRule,
  edgeMarginPx: 2,
  kalman: DEFAULT_KALMAN_NOISE,
  trackedFrameIntervalMs: 1000,
} as const;

export type TrackerOverrides = Partial<
  Pick<
    TrackerOptions,
    | 'stationaryIou'
    | 'stationaryMaxDisappearedMs'
    | 'reorderWindowFrames'
    | 'reorderDelayMs'
    | 'heartbeatMs'
    | 'minIou'
    | 'distanceGate'
    | 'scoreHistory'
    | 'confirmation'
    | 'edgeMarginPx'
    | 'kalman'
    | 'idFactory'
    | 'trackedFrameIntervalMs'
  >
>;

/** Maps a resolved camera (snake_case config) to tracker options; `heartbeatMs` comes from `events.heartbeat_s`. */
export function trackerOptionsFromCamera(
  camera: CameraConfig,
  overrides: TrackerOverrides = {},
): TrackerOptions {
  const { detect } = camera;
  const frameMs = 1000 / detect.fps;
  const maxDisappearedMs = detect.max_disappeared_s * 1000;
  const options: TrackerOptions = {
    camera: camera.name,
    track: camera.objects.track,
    filters: camera.objects.filters,
    zones: camera.zones,
    fps: detect.fps,
    minInitializedFrames: detect.min_initialized_frames,
    maxDisappearedMs,
    stationaryAfterMs: detect.stationary.threshold * frameMs,
    stationaryMaxDisappearedMs: maxDisappearedMs + 2 * detect.stationary.interval_frames * frameMs,
    silenceHoldMs: detect.silence_hold_s * 1000,
    ...TRACKER_DEFAULTS,
    ...overrides,
  };
  validateTrackerOptions(options);
  return options;
}

export function validateTrackerOptions(o: TrackerOptions): void {
  const positive: (keyof TrackerOptions)[] = [
    'fps',
    'maxDisappearedMs',
    'heartbeatMs',
    'scoreHistory',
    'trackedFrameIntervalMs',
  ];
  for (const key of positive) {
    const value = o[key];
    if (typeof value !== 'number' || !(value > 0)) throw new InvalidTrackerOptionError(key, 'must be > 0');
  }
  const nonNegative: (keyof TrackerOptions)[] = [
    'stationaryAfterMs',
    'stationaryMaxDisappearedMs',
    'reorderWindowFrames',
    'reorderDelayMs',
    'edgeMarginPx',
    'distanceGate',
    'silenceHoldMs',
  ];
  for (const key of nonNegative) {
    const value = o[key];
    if (typeof value !== 'number' || !(value >= 0)) throw new InvalidTrackerOptionError(key, 'must be >= 0');
  }
  if (!Number.isInteger(o.minInitializedFrames) || o.minInitializedFrames < 1)
    throw new InvalidTrackerOptionError('minInitializedFrames', 'must be an integer >= 1');
  for (const key of ['minIou', 'stationaryIou'] as const)
    if (!(o[key] > 0 && o[key] <= 1)) throw new InvalidTrackerOptionError(key, 'must be in (0, 1]');
}
