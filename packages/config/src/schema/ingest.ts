import { z } from 'zod';
import { positiveInt } from './common.js';
import { checkLeaseTiming, leaseTimingSchema } from './lease.js';

/** `ingest.frames.jpeg_quality`'s default (ffmpeg's `-q:v`); benches and tests encode frames as ingest does. */
export const DEFAULT_JPEG_QUALITY = 4;

export const ingestSchema = z
  .strictObject({
    ...leaseTimingSchema('ingest').shape,
    stall_timeout_s: z
      .number()
      .positive()
      .default(10)
      .describe('Seconds without a frame before a stream counts as stalled and is restarted.'),
    restart_backoff: z
      .strictObject({
        initial_ms: positiveInt().default(1000).describe('First delay before restarting a failed stream.'),
        max_ms: positiveInt()
          .default(10000)
          .describe(
            'Longest delay; the delay doubles up to it (each delay is drawn at random below its bound, so cameras that lost the same gateway come back spread out). It bounds how long a camera stays dark after its gateway is back.',
          ),
      })
      .prefault({})
      .describe('Exponential backoff between stream restarts.'),
    frames: z
      .strictObject({
        format: z
          .enum(['jpeg', 'yuv420p'])
          .default('jpeg')
          .describe(
            'What a frame on the bus carries: `jpeg`, encoded by the ffmpeg that decodes the camera (about a tenth of the bytes; detectors decode it, and it doubles as the snapshot), or `yuv420p`, raw pixels (no encode or decode, but 1.5 bytes per pixel on the network: for one host with CPU to spare).',
          ),
        jpeg_quality: z
          .number()
          .int()
          .min(2)
          .max(31)
          .default(DEFAULT_JPEG_QUALITY)
          .describe(
            "ffmpeg's `-q:v` for `jpeg` frames: 2 is the best and largest, 31 the worst. Also the quality of event snapshots.",
          ),
      })
      .prefault({})
      .describe('Frames ingest publishes for the detectors.'),
    tracked_frame_interval_s: z
      .number()
      .positive()
      .default(1)
      .describe(
        'While objects of a tracked label are in view, a frame is sent for detection at least this often, motion or not.',
      ),
  })
  .check((ctx) => {
    const i = ctx.value;
    checkLeaseTiming(ctx);
    if (i.restart_backoff.initial_ms > i.restart_backoff.max_ms) {
      ctx.issues.push({
        code: 'custom',
        path: ['restart_backoff', 'initial_ms'],
        message: `initial_ms (${i.restart_backoff.initial_ms}) is larger than max_ms (${i.restart_backoff.max_ms})`,
        input: i,
      });
    }
  });

export type IngestConfig = z.output<typeof ingestSchema>;
