import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@shiriki/telemetry';
import { CameraOwnership, type Lease, type ReleaseReason } from './camera-ownership.js';

/** What a worker runs for each camera it owns: an ingest pipeline, a tracker session, a camera recorder. */
export interface CameraUnit {
  /** Stops the camera's work; called when the lease is given up or lost, before another worker takes it. */
  stop(reason: ReleaseReason): Promise<void>;
}

export interface OwnedCamerasOptions<U extends CameraUnit> {
  /** Lease bucket of the role (`subjects.buckets.leases(role)`). */
  bucket: string;
  replicas?: number;
  workerId: string;
  cameras: readonly string[];
  ttlMs: number;
  heartbeatMs: number;
  /** The worker's logger; the ownership logs under `component: ownership`, each unit under its camera. */
  logger: Logger;
  /**
   * Starts the unit of a camera this worker just leased. `logger` is bound to the camera (`camera` is on
   * every line), so the unit logs no `camera` field of its own. A rejection gives the lease back.
   */
  open(lease: Lease, logger: Logger): Promise<U>;
  /** The number of cameras owned changed (the `cameras_owned` gauge). */
  onCountChange?(count: number): void;
}

/**
 * The cameras one worker owns and the unit running each: leases through {@link CameraOwnership}, a unit
 * opened on acquire and stopped on release, the count reported on every change. A camera whose unit is
 * still opening when its lease goes waits for the open to finish, then stops, so no unit outlives its
 * lease. Ingest, tracker and recorder workers all own cameras this way.
 */
export class OwnedCameras<U extends CameraUnit> {
  readonly #units = new Map<string, U>();
  readonly #opening = new Map<string, Promise<unknown>>();
  #ownership: CameraOwnership | undefined;

  private constructor(private readonly options: OwnedCamerasOptions<U>) {}

  /** Opens the lease bucket and starts taking this worker's share of the cameras. */
  static async start<U extends CameraUnit>(
    nc: NatsConnection,
    options: OwnedCamerasOptions<U>,
  ): Promise<OwnedCameras<U>> {
    const owned = new OwnedCameras(options);
    owned.#ownership = await CameraOwnership.open(nc, {
      bucket: options.bucket,
      replicas: options.replicas,
      workerId: options.workerId,
      cameras: options.cameras,
      ttlMs: options.ttlMs,
      heartbeatMs: options.heartbeatMs,
      logger: options.logger.child({ component: 'ownership' }),
      onAcquire: (lease) => owned.#acquire(lease),
      onRelease: (lease, reason) => owned.#release(lease, reason),
    });
    return owned;
  }

  get size(): number {
    return this.#units.size;
  }

  get(camera: string): U | undefined {
    return this.#units.get(camera);
  }

  cameras(): string[] {
    return [...this.#units.keys()];
  }

  units(): U[] {
    return [...this.#units.values()];
  }

  /** Releases every lease, each unit stopped first, so other workers take the cameras over at once. */
  async stop(): Promise<void> {
    await this.#ownership?.stop();
    // Units whose lease was not held any more (an open that failed late) are stopped all the same.
    await Promise.all(this.units().map((unit) => unit.stop('stopping')));
    this.#units.clear();
    this.#changed();
  }

  async #acquire(lease: Lease): Promise<void> {
    const logger = this.options.logger.child({ component: 'camera', camera: lease.camera });
    const opening = this.options.open(lease, logger);
    this.#opening.set(lease.camera, opening);
    try {
      const unit = await opening;
      this.#units.set(lease.camera, unit);
      this.#changed();
      logger.info({ epoch: lease.epoch }, 'camera owned');
    } finally {
      this.#opening.delete(lease.camera);
    }
  }

  async #release(lease: Lease, reason: ReleaseReason): Promise<void> {
    await this.#opening.get(lease.camera)?.catch(() => undefined);
    const unit = this.#units.get(lease.camera);
    if (!unit) return;
    this.#units.delete(lease.camera);
    this.#changed();
    this.options.logger.info({ camera: lease.camera, reason }, 'camera released');
    await unit.stop(reason);
  }

  #changed(): void {
    this.options.onCountChange?.(this.#units.size);
  }
}
