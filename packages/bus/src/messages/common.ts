import { z } from 'zod';

/** Camera names are single subject tokens (see subjects.ts). */
export const CameraNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match [A-Za-z0-9_-]{1,64}');

/** Milliseconds since the Unix epoch; every time on the bus uses this unit. */
export const EpochMsSchema = z.number().nonnegative();

/** Object label as the model names it (`person`, `traffic light`); the subject uses `labelToken(label)`. */
export const LabelSchema = z.string().min(1).max(64);

/** Axis-aligned rectangle `[x1, y1, x2, y2]` in full-frame pixels, x2 >= x1 and y2 >= y1. */
export const PixelBoxSchema = z
  .tuple([
    z.number().nonnegative(),
    z.number().nonnegative(),
    z.number().nonnegative(),
    z.number().nonnegative(),
  ])
  .readonly()
  .refine(([x1, y1, x2, y2]) => x2 >= x1 && y2 >= y1, 'box must satisfy x1 <= x2 and y1 <= y2');
/** The message form of a geometry `Box`. */
export type PixelBox = z.infer<typeof PixelBoxSchema>;

/** Non-negative integer that fits a JS number exactly (sequences, counters). */
export const CountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Fraction of the frame area, 0..1. */
export const FractionSchema = z.number().min(0).max(1);
