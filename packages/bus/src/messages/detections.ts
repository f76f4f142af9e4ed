import { z } from 'zod';
import { CameraNameSchema, CountSchema, EpochMsSchema, LabelSchema, PixelBoxSchema } from './common.js';

export const DetectionSchema = z.object({
  label: LabelSchema,
  /** Class index in the model's label map. */
  label_id: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
  /** Full-frame pixels, already mapped back from the model input. */
  box: PixelBoxSchema,
});
export type Detection = z.infer<typeof DetectionSchema>;

/** `<p>.detections.<camera>`: everything one detector found in one frame (possibly nothing). */
export const DetectionsSchema = z.object({
  camera: CameraNameSchema,
  sequence: CountSchema,
  /**
   * The sequence of the frame the same camera published before this one (its ingest leaves frames out
   * while nothing moves). The tracker releases this frame as soon as that one is released, instead of
   * waiting to see whether an older frame is still on its way. Absent: the first frame, or older producers.
   */
  previous_sequence: CountSchema.optional(),
  capture_time: EpochMsSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  detections: z.array(DetectionSchema),
  model: z.string().min(1),
  worker: z.string().min(1),
  inference_ms: z.number().nonnegative(),
  /** How many regions of the frame were run through the model. */
  region_count: z.number().int().nonnegative(),
  /**
   * Whether a JPEG of this frame goes out on `<p>.snapshots.<camera>`. Only such frames can become an
   * object's best snapshot; absent (older detectors) means it may.
   */
  snapshot: z.boolean().optional(),
});
export type Detections = z.infer<typeof DetectionsSchema>;
