import { z } from 'zod';
import { CameraNameSchema, EpochMsSchema } from './common.js';

/** `<p>.clips.<camera>` (stream SHIRIKI_CLIPS): a clip and its artefacts are in the object store. */
export const ClipReadySchema = z.object({
  event_id: z.string().min(1),
  camera: CameraNameSchema,
  /** Object-store keys. */
  keys: z.object({
    clip: z.string().min(1),
    snapshot: z.string().min(1).optional(),
    thumbnail: z.string().min(1).optional(),
    metadata: z.string().min(1),
  }),
  start: EpochMsSchema,
  end: EpochMsSchema,
  duration_s: z.number().nonnegative(),
  /** True when the clip misses part of the event (stream gap, recorder restart). */
  partial: z.boolean().optional(),
  /** Why the clip is partial or was cut. */
  reason: z.string().optional(),
});
export type ClipReady = z.infer<typeof ClipReadySchema>;
