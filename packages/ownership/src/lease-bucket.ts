import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { LeaseBucketError } from './errors.js';

export interface LeaseBucketOptions {
  /**
   * KV bucket of one role's leases, e.g. `shiriki_leases_ingest`: each role (ingest, tracker, recorder)
   * shares the cameras among its own workers, so roles never share a bucket.
   */
  bucket: string;
  /** A lease not renewed for this long expires on the server. */
  ttlMs: number;
  /** JetStream replicas of the bucket (3 on a NATS cluster). Default 1. */
  replicas?: number;
}

/**
 * Opens (creating when missing) the lease bucket. Entries expire `ttlMs` after their last write, and the
 * server writes a delete marker when they do, so watchers learn of a dead worker without polling.
 */
export async function openLeaseBucket(nc: NatsConnection, options: LeaseBucketOptions): Promise<KV> {
  const { bucket } = options;
  try {
    return await new Kvm(nc).create(bucket, {
      ttl: options.ttlMs,
      markerTTL: options.ttlMs,
      history: 1,
      replicas: options.replicas ?? 1,
    });
  } catch (cause) {
    throw new LeaseBucketError(bucket, { cause });
  }
}

export const workerKey = (workerId: string): string => `worker.${workerId}`;
export const cameraKey = (camera: string): string => `camera.${camera}`;
export const WORKER_KEYS = 'worker.*';
