import { z } from 'zod';
import { polygonListSchema, positiveInt } from './common.js';

export const motionSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Run motion detection; with it off, detection runs on every frame.'),
  threshold: z
    .number()
    .int()
    .min(1)
    .max(255)
    .default(30)
    .describe('Luma difference (1-255) between a pixel and the background that counts as changed.'),
  contour_area: positiveInt()
    .default(10)
    .describe('Smallest motion box, in pixels at `frame_height`, that counts as motion.'),
  frame_height: z
    .number()
    .int()
    .min(50)
    .max(1080)
    .refine((n) => n % 2 === 0, 'the motion frame height must be even')
    .default(100)
    .describe(
      'Motion runs on frames scaled down to this height (even, 50..1080); lower is faster and coarser.',
    ),
  improve_contrast: z
    .boolean()
    .default(true)
    .describe('Stretch the contrast of each motion frame (helps at night).'),
  frame_alpha: z
    .number()
    .gt(0)
    .max(1)
    .default(0.01)
    .describe('Weight of each new frame in the running background average (0 < alpha <= 1).'),
  lightning_threshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe(
      'Fraction of the frame changing at once that is treated as a lighting change: the background resets ' +
        'instead of reporting motion.',
    ),
  calibration_frames: z
    .number()
    .int()
    .min(0)
    .default(30)
    .describe('Frames used to learn the background after a start or reset; no motion is reported meanwhile.'),
  off_delay_s: z
    .number()
    .min(0)
    .default(30)
    .describe('Seconds without motion before "motion ended" is published.'),
  mask: polygonListSchema
    .default([])
    .describe('Polygons (normalised 0..1) where motion is ignored, e.g. timestamps or trees.'),
});

export type MotionConfig = z.output<typeof motionSchema>;
