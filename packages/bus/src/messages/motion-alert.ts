import { z } from 'zod';
import { CameraNameSchema, CountSchema, EpochMsSchema, FractionSchema, PixelBoxSchema } from './common.js';

/** `<p>.motion.<camera>`: motion started, is still going on (periodic update) or ended. */
export const MotionAlertSchema = z.object({
  type: z.literal('motion'),
  camera: CameraNameSchema,
  state: z.enum(['started', 'update', 'ended']),
  started_at: EpochMsSchema,
  /** Set only when `state` is `ended`. */
  ended_at: EpochMsSchema.optional(),
  /** Current motion regions in full-frame pixels. */
  boxes: z.array(PixelBoxSchema),
  /** Fraction of the frame currently in motion. */
  area: FractionSchema,
  /** Largest `area` seen since `started_at`. */
  peak_area: FractionSchema,
  /** Ingest worker that detected the motion. */
  producer: z.string().min(1),
  /** Sequence of the frame this alert describes. */
  sequence: CountSchema,
  /** Capture time of that frame (optional: older producers leave it out). */
  time: EpochMsSchema.optional(),
});
export type MotionAlert = z.infer<typeof MotionAlertSchema>;
