import { z } from 'zod';
import { positiveInt } from './common.js';

export const ingestSchema = z
  .strictObject({
    lease_ttl_s: z
      .number()
      .positive()
      .default(10)
      .describe(
        'Seconds a camera lease lives without a heartbeat (ingest, tracker and recorder leases alike).',
      ),
    heartbeat_s: z
      .number()
      .positive()
      .default(3)
      .describe('Seconds between lease heartbeats; at most a third of lease_ttl_s.'),
    stall_timeout_s: z
      .number()
      .positive()
      .default(10)
      .describe('Seconds without a frame before a stream counts as stalled and is restarted.'),
    restart_backoff: z
      .strictObject({
        initial_ms: positiveInt().default(1000).describe('First delay before restarting a failed stream.'),
        max_ms: positiveInt().default(30000).describe('Longest delay; the delay doubles up to it.'),
      })
      .prefault({})
      .describe('Exponential backoff between stream restarts.'),
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
    // Three heartbeats per TTL: one lost or late heartbeat must not cost a worker its cameras.
    if (i.heartbeat_s * 3 > i.lease_ttl_s) {
      ctx.issues.push({
        code: 'custom',
        path: ['heartbeat_s'],
        message: `heartbeat_s (${i.heartbeat_s}) must be at most a third of lease_ttl_s (${i.lease_ttl_s})`,
        input: i,
      });
    }
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
