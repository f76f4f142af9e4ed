export {
  TrackerWorker,
  TRACKER_WORKER_DEFAULTS,
  trackerLeaseBucket,
  trackerStateBucket,
} from './tracker-worker.js';
export type { TrackerWorkerOptions, TrackerWorkerState } from './tracker-worker.js';
export { CameraSession } from './camera-session.js';
export type { CameraSessionOptions } from './camera-session.js';
export { trackerWorkerSettingsFromConfig } from './from-config.js';
export { createTrackerMetrics } from './metrics.js';
export type { TrackerMetrics } from './metrics.js';
export { SnapshotCache, SNAPSHOT_CACHE_DEFAULTS } from './snapshot-cache.js';
export type { CachedSnapshot } from './snapshot-cache.js';
export { SNAPSHOT_UPLOAD_DEFAULTS, uploadSnapshot } from './snapshot-upload.js';
export type {
  EventKeysFactory,
  SnapshotObject,
  SnapshotStore,
  SnapshotUploadOptions,
} from './snapshot-upload.js';
export { CHECKPOINT_VERSION, CheckpointError, eventMessageId, parseCheckpoint } from './checkpoint.js';
export type { TrackerCheckpoint } from './checkpoint.js';
