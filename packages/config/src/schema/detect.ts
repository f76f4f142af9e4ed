import { z } from 'zod';
import { positiveInt } from './common.js';

const evenDimension = (axis: string, fallback: number) =>
  z
    .number()
    .int()
    .min(64, `the detect ${axis} must be at least 64 pixels`)
    .max(4096, `the detect ${axis} must be at most 4096 pixels`)
    .refine((n) => n % 2 === 0, `the detect ${axis} must be even (frames are yuv420p)`)
    .default(fallback);

export const detectSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run object detection on this camera.'),
  width: evenDimension('width', 640).describe(
    'Width in pixels of the frames ingest decodes for motion and detection (even, 64..4096).',
  ),
  height: evenDimension('height', 360).describe('Height in pixels of the decoded frames (even, 64..4096).'),
  fps: z
    .number()
    .positive()
    .max(30)
    .default(5)
    .describe('Frames per second decoded for motion and detection.'),
  min_initialized_frames: positiveInt()
    .default(2)
    .describe('Consecutive frames an object must be detected in before it is tracked as real.'),
  max_disappeared_s: z
    .number()
    .positive()
    .default(5)
    .describe('Seconds an object may go undetected before its track ends.'),
  silence_hold_s: z
    .number()
    .min(0)
    .max(600)
    .default(30)
    .describe(
      'While no frame of this camera arrives at all (the camera, its ingest, NATS or the detectors are down), open objects are held for up to this many seconds: the outage counts neither toward `max_disappeared_s` nor toward `stationary.threshold`, and an object seen again after it (where it was last seen, or where its motion would have carried it) keeps its event. 0 ends objects as if the camera had been watched.',
    ),
  stationary: z
    .strictObject({
      threshold: positiveInt()
        .default(50)
        .describe('Frames an object must stay in place before it is considered stationary.'),
      interval_frames: positiveInt()
        .default(50)
        .describe('A stationary object is re-detected every this many frames to confirm it is still there.'),
    })
    .prefault({})
    .describe('How objects that stop moving are handled.'),
});

export type DetectConfig = z.output<typeof detectSchema>;
