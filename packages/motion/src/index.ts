export { MotionDetector, motionAnalysisSize } from './detector.js';
export type { MotionResult } from './detector.js';
export { MOTION_DEFAULTS, resolveMotionOptions } from './options.js';
export type { MotionOptions, MaskPolygon, NormalisedPoint } from './options.js';
export { MotionTracker, MOTION_TRACKER_DEFAULTS } from './tracker.js';
export type {
  MotionTrackerOptions,
  MotionTrackerState,
  MotionTransition,
  MotionStarted,
  MotionEnded,
} from './tracker.js';
export { mergeOverlappingBoxes } from './boxes.js';
export { InvalidMotionOptionError, FrameSizeError } from './errors.js';
