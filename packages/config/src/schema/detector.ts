import { z } from 'zod';
import { fraction, positiveInt } from './common.js';

export const detectorSchema = z.strictObject({
  execution_provider: z.enum(['cpu', 'cuda']).default('cpu').describe('ONNX Runtime execution provider.'),
  intra_op_threads: positiveInt().default(1).describe('Threads ONNX Runtime uses inside one operator.'),
  inter_op_threads: positiveInt().default(1).describe('Threads ONNX Runtime uses across operators.'),
  max_frame_age_ms: positiveInt()
    .default(2000)
    .describe('Frames older than this when a worker picks them up are skipped, not detected.'),
  frame_buffer_per_camera: positiveInt()
    .default(10)
    .describe(
      'Frames the bus keeps per camera while detectors are behind; when a newer one arrives, the oldest is dropped. Frames older than max_frame_age_ms are skipped anyway, so more than max_frame_age_ms x the detect fps only costs memory.',
    ),
  region_mode: z
    .enum(['motion_regions', 'full_frame'])
    .default('motion_regions')
    .describe('Detect on crops around motion (finds small objects) or on the whole frame (one pass).'),
  snapshot_threshold: fraction()
    .default(0.5)
    .describe("Lowest score for which a detection's frame is kept as the event snapshot."),
  snapshot_interval_ms: positiveInt()
    .default(1000)
    .describe(
      'A JPEG snapshot stands in for later frames of its camera this long: within it, a frame gets one only if a detection may beat that of the same object in a recent snapshot (score, area, not cut by the edge).',
    ),
  concurrency: positiveInt()
    .default(2)
    .describe(
      'Frames each detector worker has in flight at once. With 2, the worker pulls, pre-processes and publishes one frame while the model (on its own thread) works on another; more only queues frames in front of the model.',
    ),
});

export type DetectorConfig = z.output<typeof detectorSchema>;
