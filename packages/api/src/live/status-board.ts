import {
  CameraStatusSchema,
  MotionAlertSchema,
  ServiceStatusSchema,
  decodeJson,
  subscribeJson,
  type Bus,
  type BusMetrics,
  type CameraStatus,
  type SafeSubscription,
  type ServiceStatus,
  type Subjects,
} from '@shiriki/bus';
import type { Logger } from '@shiriki/telemetry';

export interface StatusBoardOptions {
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  busMetrics?: BusMetrics;
  /** An instance silent this long is dropped from the list. Default 20 000 ms (4 heartbeats). */
  instanceTimeoutMs?: number;
  /** Called when motion starts (`endedAt` null) or ends on a camera, to keep its history. */
  onMotion?: (camera: string, startedAt: number, endedAt: number | null) => Promise<void>;
}

/** Motion on one camera as last reported. */
export interface CameraMotion {
  active: boolean;
  last_started_at: number;
  last_ended_at: number | null;
}

/**
 * What the bus says right now: live service instances (from their heartbeats), each camera's ingest status
 * (seeded from the camera status KV bucket, then followed on its subject) and its latest motion.
 */
export class StatusBoard {
  readonly #o: StatusBoardOptions & { instanceTimeoutMs: number };
  readonly #instances = new Map<string, ServiceStatus & { seen_at: number }>();
  readonly #cameras = new Map<string, CameraStatus>();
  readonly #motion = new Map<string, CameraMotion>();
  readonly #subscriptions: SafeSubscription[] = [];

  constructor(options: StatusBoardOptions) {
    this.#o = { instanceTimeoutMs: 20_000, ...options };
  }

  async start(): Promise<void> {
    const { bus, subjects, logger, busMetrics } = this.#o;
    const options = { logger, ...(busMetrics ? { metrics: busMetrics } : {}) };
    this.#subscriptions.push(
      subscribeJson(
        bus.nc,
        subjects.serviceStatusAll,
        ServiceStatusSchema,
        (s) => this.#onService(s),
        options,
      ),
      subscribeJson(
        bus.nc,
        subjects.cameraStatusAll,
        CameraStatusSchema,
        (s) => void this.#cameras.set(s.camera, s),
        options,
      ),
      subscribeJson(
        bus.nc,
        subjects.motionAll,
        MotionAlertSchema,
        (m) => {
          if (m.state !== 'update') {
            void this.#o
              .onMotion?.(
                m.camera,
                m.started_at,
                m.state === 'ended' ? (m.ended_at ?? m.time ?? Date.now()) : null,
              )
              .catch((error: unknown) =>
                logger.warn({ err: error, camera: m.camera }, 'motion history not written'),
              );
          }
          const previous = this.#motion.get(m.camera);
          this.#motion.set(m.camera, {
            active: m.state !== 'ended',
            last_started_at: m.started_at,
            last_ended_at:
              m.state === 'ended' ? (m.ended_at ?? m.time ?? Date.now()) : (previous?.last_ended_at ?? null),
          });
        },
        options,
      ),
    );
    await this.#seedCameras().catch((error: unknown) =>
      logger.info({ err: error }, 'no camera status bucket yet; cameras show once ingest reports them'),
    );
  }

  async stop(): Promise<void> {
    for (const s of this.#subscriptions) s.unsubscribe();
    await Promise.all(this.#subscriptions.map((s) => s.done));
  }

  /** Live instances, by service; an instance that said `stopped` or went silent is left out. */
  instances(now = Date.now()): Array<ServiceStatus & { seen_at: number }> {
    for (const [key, s] of this.#instances) {
      if (now - s.seen_at > this.#o.instanceTimeoutMs || s.state === 'stopped') this.#instances.delete(key);
    }
    return [...this.#instances.values()].sort(
      (a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance),
    );
  }

  camera(name: string): CameraStatus | undefined {
    return this.#cameras.get(name);
  }

  motion(name: string): CameraMotion | undefined {
    return this.#motion.get(name);
  }

  #onService(status: ServiceStatus): void {
    this.#instances.set(`${status.service}/${status.instance}`, { ...status, seen_at: Date.now() });
  }

  async #seedCameras(): Promise<void> {
    const { bus, subjects } = this.#o;
    const kv = await bus.kvm.open(subjects.buckets.cameraStatus);
    const keys = await kv.keys();
    for await (const key of keys) {
      const entry = await kv.get(key);
      if (!entry || entry.length === 0) continue;
      try {
        const status = decodeJson(CameraStatusSchema, entry.value);
        if (!this.#cameras.has(status.camera)) this.#cameras.set(status.camera, status);
      } catch {
        // A value an older ingest wrote; the live subject brings the current one.
      }
    }
  }
}
