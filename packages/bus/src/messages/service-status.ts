import { z } from 'zod';
import { EpochMsSchema } from './common.js';

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match [A-Za-z0-9_-]{1,64}');

/** `<p>.status.<service>.<instance>`: periodic heartbeat of one service instance. */
export const ServiceStatusSchema = z.object({
  service: TokenSchema,
  instance: TokenSchema,
  state: z.enum(['starting', 'running', 'draining', 'stopped']),
  time: EpochMsSchema,
  /** When this instance started. */
  started_at: EpochMsSchema,
  version: z.string().optional(),
  /** Fraction of the last interval the instance spent working, 0..1 (detectors: time in the model). */
  busy_ratio: z.number().min(0).max(1).optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;
