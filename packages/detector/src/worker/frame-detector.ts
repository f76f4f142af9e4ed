import type { Detection } from '@shiriki/bus';
import type { Box } from '@shiriki/geometry';

/** Where the model looks: crops around motion boxes, or the whole frame in one pass. */
export type RegionMode = 'motion_regions' | 'full_frame';

/** A decoded yuv420p frame as the model runtime takes it. */
export interface DetectorFrame {
  width: number;
  height: number;
  pixelFormat: 'yuv420p';
  payload: Uint8Array;
  motionBoxes: readonly Box[];
}

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
  detect(frame: DetectorFrame, options?: FrameDetectOptions): Promise<FrameDetectionResult>;
  close(): Promise<void>;
}
