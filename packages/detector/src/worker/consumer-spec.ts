import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { ConsumerSpec } from '@shiriki/bus';
import { withoutUndefined } from '@shiriki/options';

export interface FramesConsumerOptions {
  /** Durable name every detector worker pulls from, so each frame is inferred once. Default `detectors`. */
  durableName?: string;
  /** A frame not acked this long after delivery goes to another worker. Default 10 000 ms. */
  ackWaitMs?: number;
  /** Deliveries of one frame before it is given up (and counted as dropped). Default 3. */
  maxDeliver?: number;
  /** Frames in flight across all workers at once. Default 256. */
  maxAckPending?: number;
}

export const FRAMES_CONSUMER_DEFAULTS = {
  durableName: 'detectors',
  ackWaitMs: 10_000,
  maxDeliver: 3,
  maxAckPending: 256,
} as const satisfies Required<FramesConsumerOptions>;

/** The one shared durable pull consumer on the frames stream. */
export function framesConsumerSpec(options: FramesConsumerOptions = {}): ConsumerSpec {
  const o = { ...FRAMES_CONSUMER_DEFAULTS, ...withoutUndefined(options) };
  return {
    durable_name: o.durableName,
    description: 'Detector workers: every frame is inferred by one of them',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    max_deliver: o.maxDeliver,
    max_ack_pending: o.maxAckPending,
  };
}

/** `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`: a frame was given up. */
export function maxDeliveriesAdvisorySubject(stream: string, durableName: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durableName}`;
}
