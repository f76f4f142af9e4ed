import { z } from 'zod';
import { CameraNameSchema, CountSchema, EpochMsSchema } from './common.js';

/** `<p>.status.camera.<camera>` and KV `shiriki_camera_status` (key = camera): health of one camera's ingest. */
export const CameraStatusSchema = z.object({
  camera: CameraNameSchema,
  state: z.enum(['starting', 'streaming', 'stalled', 'offline']),
  /** Why the camera is stalled or offline; never contains a URL with credentials. */
  reason: z.string().optional(),
  /** Ingest worker that holds the camera's lease. */
  owner: z.string().min(1),
  /** When `state` was entered. */
  since: EpochMsSchema,
  fps_in: z.number().nonnegative(),
  frames_published: CountSchema,
  frames_dropped: CountSchema,
  restarts: CountSchema,
  motion_active: z.boolean(),
});
export type CameraStatus = z.infer<typeof CameraStatusSchema>;
