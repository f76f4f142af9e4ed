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
    .describe('JetStream replicas of the events stream (1..5).'),
  heartbeat_s: z
    .number()
    .positive()
    .default(60)
    .describe('Seconds between updates of an ongoing event, even when nothing changed.'),
});

export type EventsConfig = z.output<typeof eventsSchema>;
