import { z } from 'zod';

/**
 * Lease timing of one worker role (ingest, tracker, recorder): how long a camera lease lives without a
 * heartbeat, and how often it is renewed. Each role has its own, so a role whose hand-over is costly (the
 * tracker moves its state) can be tuned without touching the others.
 */
export function leaseTimingSchema(role: string) {
  return z
    .strictObject({
      lease_ttl_s: z
        .number()
        .positive()
        .default(10)
        .describe(
          `Seconds a camera lease lives without a heartbeat before another ${role} worker takes the camera.`,
        ),
      heartbeat_s: z
        .number()
        .positive()
        .default(3)
        .describe('Seconds between lease heartbeats; at most a third of lease_ttl_s.'),
    })
    .check(checkLeaseTiming);
}

/** Three heartbeats per TTL: one lost or late heartbeat must not cost a worker its cameras. */
export function checkLeaseTiming(ctx: {
  value: { lease_ttl_s: number; heartbeat_s: number };
  issues: z.core.$ZodRawIssue[];
}): void {
  const { lease_ttl_s, heartbeat_s } = ctx.value;
  if (heartbeat_s * 3 > lease_ttl_s) {
    ctx.issues.push({
      code: 'custom',
      path: ['heartbeat_s'],
      message: `heartbeat_s (${heartbeat_s}) must be at most a third of lease_ttl_s (${lease_ttl_s})`,
      input: ctx.value,
    });
  }
}

export type LeaseTimingConfig = z.output<ReturnType<typeof leaseTimingSchema>>;
