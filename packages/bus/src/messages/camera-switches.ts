import { z } from 'zod';
import { EpochMsSchema } from './common.js';

/** The run-time switches of a camera, as Frigate has them over MQTT (`<camera>/<switch>/set`). */
export const CAMERA_SWITCHES = ['detect', 'motion', 'recordings', 'snapshots'] as const;
export type CameraSwitch = (typeof CAMERA_SWITCHES)[number];

/** One camera's switches in the `<p>_camera_switches` KV bucket (key = camera). */
export const CameraSwitchesSchema = z.object({
  /** Frames go to the detectors. */
  detect: z.boolean(),
  /** Motion detection runs (motion messages and alerts, motion-gated detection). */
  motion: z.boolean(),
  /** Event clips are recorded. */
  recordings: z.boolean(),
  /** Best snapshots are kept for events (and sent over MQTT). */
  snapshots: z.boolean(),
  updated_at: EpochMsSchema,
  /** Who set them: `mqtt`, `api:<user>`. */
  updated_by: z.string().min(1),
});
export type CameraSwitches = z.infer<typeof CameraSwitchesSchema>;
export type SwitchStates = Pick<CameraSwitches, CameraSwitch>;
