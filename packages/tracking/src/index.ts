export { CameraTracker } from './camera-tracker.js';
export type { EndReason, OpenObject, SnapshotHolder, TrackerStats } from './camera-tracker.js';
export {
  trackerOptionsFromCamera,
  validateTrackerOptions,
  DEFAULT_OBJECT_FILTER,
  TRACKER_DEFAULTS,
} from './options.js';
export type { ObjectIdContext, TrackerOptions, TrackerOverrides } from './options.js';
export { TRACKER_STATE_VERSION } from './state.js';
export type { ObjectState, TrackerState } from './state.js';
export type { TrackPhase } from './tracked-object.js';
export { CONFIRMATION_RULES, isConfirmed } from './confirmation.js';
export type { ConfirmationRule, ConfirmationInput } from './confirmation.js';
export { rejectDetection, median } from './filters.js';
export type { DetectionFilter, FilterRejection } from './filters.js';
export { compileZones, observeZones, emptyPresence } from './zones.js';
export type { CompiledZone, ZonePresence } from './zones.js';
export {
  kalmanInit,
  kalmanPredict,
  kalmanUpdate,
  kalmanPredictedBox,
  DEFAULT_KALMAN_NOISE,
} from './kalman.js';
export type { KalmanNoise } from './kalman.js';
export { HungarianSolver } from './hungarian.js';
export { alertsFor, createAlertMemory } from './alerts.js';
export type { AlertMemory, ObjectAlertsConfig } from './alerts.js';
export { CameraMismatchError, InvalidTrackerOptionError, TrackerStateError } from './errors.js';
