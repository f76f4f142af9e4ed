import type { Detection } from '@shiriki/bus';
import type { DetectFrame } from '../model/detect-frame.js';

/** Where the model looks: crops around motion boxes, or the whole frame in one pass. */
export type RegionMode = 'motion_regions' | 'full_frame';

export interface FrameDetectOptions {
  regionMode?: RegionMode;
  /** Only these labels are reported; all labels when omitted. */
  labels?: ReadonlySet<string>;
}

export interface FrameDetectionResult {
  detections: Detection[];
  inferenceMs: number;
  regionCount: number;
}

/**
 * What the worker needs from the model runtime. `ObjectDetector` implements it; tests may pass anything
 * with the same shape.
 */
export interface FrameDetector {
  readonly modelName: string;
  detect(frame: DetectFrame, options?: FrameDetectOptions): Promise<FrameDetectionResult>;
  close(): Promise<void>;
}
