import { z } from 'zod';
import { positiveInt } from './common.js';

export const eventsSchema = z.strictObject({
  stream_max_age_days: positiveInt().default(30).describe('Days events are kept in the JetStream stream.'),
  stream_replicas: z
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe(
      'JetStream replicas (1..5) of the durable state shiriki creates: the events and clips streams, the lease and tracker-state KV buckets. The frames work queue always has 1 (live frames are not worth replicating).',
    ),
  heartbeat_s: z
    .number()
    .positive()
    .default(60)
    .describe('Seconds between updates of an ongoing event, even when nothing changed.'),
});

export type EventsConfig = z.output<typeof eventsSchema>;
