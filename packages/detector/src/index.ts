// Model runtime: loading, pre-processing, regions, output adapters, NMS.
export { ObjectDetector, InvalidFrameError, DetectorClosedError } from './model/object-detector.js';
export type { DetectOptions, DetectResult, DetectStages } from './model/object-detector.js';
export type { DetectFrame } from './model/detect-frame.js';
export { modelSpecFromConfig } from './model/spec.js';
export type { ModelSpec, ModelType } from './model/spec.js';
export { ModelLoadError, OutputShapeError } from './model/errors.js';
export type { ModelLoadFailure } from './model/errors.js';
export { readLabels } from './model/labels.js';
export { motionRegions, fullFrameRegion, REGION_DEFAULTS } from './model/regions.js';
export type { Region, RegionOptions } from './model/regions.js';
export { nonMaxSuppression } from './model/nms.js';
export type { ScoredBox } from './model/nms.js';
export { OUTPUT_ADAPTERS } from './model/adapters/index.js';
export type {
  OutputAdapter,
  OutputDecoder,
  OutputInfo,
  AdapterContext,
  CandidateSink,
} from './model/adapters/types.js';
// End of model runtime exports.

// Detector worker: pulls frames from the shared consumer, infers, publishes detections and snapshots.
export { DetectorWorker, DETECTOR_WORKER_DEFAULTS } from './worker/detector-worker.js';
export type {
  DetectorWorkerOptions,
  DetectorWorkerState,
  DetectorWorkerStats,
} from './worker/detector-worker.js';
export type {
  FrameDetectOptions,
  FrameDetectionResult,
  FrameDetector,
  RegionMode,
} from './worker/frame-detector.js';
export {
  FRAMES_CONSUMER_DEFAULTS,
  framesConsumerSpec,
  maxDeliveriesAdvisorySubject,
} from './worker/consumer-spec.js';
export type { FramesConsumerOptions } from './worker/consumer-spec.js';
export { createDetectorWorkerMetrics } from './worker/metrics.js';
export type { DetectorWorkerMetrics } from './worker/metrics.js';
export { detectorWorkerSettingsFromConfig } from './worker/from-config.js';
