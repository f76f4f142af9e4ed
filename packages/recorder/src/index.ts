export { RecorderWorker, RECORDER_WORKER_DEFAULTS, recorderLeaseBucket } from './recorder-worker.js';
export type { RecorderWorkerOptions, RecorderWorkerState } from './recorder-worker.js';
export { CameraRecorder, clipMessageId, recorderConsumerName } from './camera-recorder.js';
export type { CameraRecorderOptions } from './camera-recorder.js';
export { recorderWorkerSettingsFromConfig } from './from-config.js';
export { createRecorderMetrics } from './metrics.js';
export type { RecorderMetrics } from './metrics.js';
export { ContinuousUploader } from './continuous-uploader.js';
export type { ContinuousUploaderOptions } from './continuous-uploader.js';
export { SegmentRing } from './segment-ring.js';
export type { SegmentRingOptions } from './segment-ring.js';
export { Segmenter, SEGMENTER_DEFAULTS } from './segmenter.js';
export type { SegmenterOptions, SegmenterState } from './segmenter.js';
export {
  IN_PROGRESS_PREFIX,
  WallClockAnchor,
  parseSegmentFileName,
  parseSegmentListLine,
  segmentFileName,
} from './segment-file.js';
export type { Segment, SegmentListEntry } from './segment-file.js';
export { clipParts, clipStartMs, partClipKey } from './clip-window.js';
export type { ClipPart, ClipWindowInput } from './clip-window.js';
export { cutClip, ClipCutError, NoFootageError } from './clip-cutter.js';
export type { CutClip, CutClipOptions } from './clip-cutter.js';
export { tsSegmentProblem } from './ts-check.js';
export { UploadSpool } from './spool.js';
export type { ClipJob, SpoolEntry, UploadSpoolOptions } from './spool.js';
export { ClipDelivery } from './delivery.js';
export type { ClipDeliveryOptions } from './delivery.js';
