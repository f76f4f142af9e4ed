import type { KV } from '@nats-io/kv';
import {
  CameraStatusSchema,
  CameraSwitchBoard,
  ObjectEventSchema,
  encodeJson,
  ensureKv,
  subscribeJson,
  type Bus,
  type BusMetrics,
  type CameraStatus,
  type SafeSubscription,
  type Subjects,
} from '@shiriki/bus';
import { Go2rtcClient, ensureStreams } from '@shiriki/go2rtc';
import { OwnedCameras, type Lease } from '@shiriki/ownership';
import type { Logger } from '@shiriki/telemetry';
import { CameraPipeline, type CameraSettings } from './camera-pipeline.js';
import type { IngestMetrics } from './metrics.js';

export interface IngestWorkerOptions {
  /** Unique id of this worker: a KV key token (letters, digits, `-`, `_`). */
  workerId: string;
  cameras: CameraSettings[];
  /** go2rtc sources per camera, registered with go2rtc at start when `registerStreams` is on. */
  go2rtc: { apiUrl: string; registerStreams: boolean; sources: Record<string, string[]> };
  lease: { ttlMs: number; heartbeatMs: number; replicas: number };
  /** How often every owned camera's status is published. Default 5000 ms. */
  statusIntervalMs?: number;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  metrics: IngestMetrics;
  busMetrics?: BusMetrics;
  ffmpegPath?: string;
}

export type IngestWorkerState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/**
 * An ingest worker: takes its fair share of the cameras through leases, runs a {@link CameraPipeline} per
 * owned camera, publishes camera status, and hands its cameras over cleanly when it drains.
 */
export class IngestWorker {
  private readonly settings: Map<string, CameraSettings>;
  private pipelines: OwnedCameras<CameraPipeline> | undefined;
  private objectEvents: SafeSubscription | undefined;
  private statusKv: KV | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private switches: CameraSwitchBoard | undefined;
  private stopWatchingSwitches: (() => void) | undefined;
  private _state: IngestWorkerState = 'idle';

  constructor(private readonly options: IngestWorkerOptions) {
    this.settings = new Map(options.cameras.map((camera) => [camera.name, camera]));
  }

  get state(): IngestWorkerState {
    return this._state;
  }

  /** Cameras this worker streams right now, with their status. */
  cameraStatuses(): CameraStatus[] {
    return (this.pipelines?.units() ?? []).map((pipeline) => pipeline.status());
  }

  async start(): Promise<void> {
    if (this._state !== 'idle') throw new Error(`cannot start an ingest worker in state ${this._state}`);
    this._state = 'starting';
    const { bus, subjects, logger, lease, workerId } = this.options;
    await this.registerStreams();
    this.statusKv = await ensureKv(bus.js, subjects.buckets.cameraStatus, {
      ttlMs: Math.max(30_000, 3 * (this.options.statusIntervalMs ?? 5000)),
    });
    // Object events, not raw detections: only tracked labels that passed the filters keep frames coming.
    this.objectEvents = subscribeJson(
      bus.nc,
      subjects.eventsAll,
      ObjectEventSchema,
      (event) => {
        this.pipelines
          ?.get(event.camera)
          ?.onObjectEvent(Date.now(), { id: event.id, type: event.type, stationary: event.stationary });
      },
      { logger, metrics: this.options.busMetrics },
    );
    this.switches = await CameraSwitchBoard.open(bus.js, subjects.buckets.cameraSwitches, (camera) => {
      const settings = this.settings.get(camera);
      return {
        detect: settings?.detectEnabled ?? true,
        motion: settings?.motionEnabled ?? true,
        recordings: true,
        snapshots: true,
      };
    });
    this.stopWatchingSwitches = await this.switches.watch((camera, states) => {
      const pipeline = this.pipelines?.get(camera);
      if (!pipeline) return;
      pipeline.setSwitches(states);
      logger.info({ camera, detect: states.detect, motion: states.motion }, 'camera switches changed');
    });
    this.pipelines = await OwnedCameras.start(bus.nc, {
      bucket: subjects.buckets.leases('ingest'),
      replicas: lease.replicas,
      workerId,
      cameras: [...this.settings.keys()],
      ttlMs: lease.ttlMs,
      heartbeatMs: lease.heartbeatMs,
      logger,
      open: (acquired, cameraLogger) => this.startCamera(acquired, cameraLogger),
      onCountChange: (count) => this.options.metrics.camerasOwned.set(count),
    });
    this.statusTimer = setInterval(() => this.publishAllStatuses(), this.options.statusIntervalMs ?? 5000);
    this._state = 'running';
  }

  /** Stops every camera, gives the leases back so other workers take over at once, and stops listening. */
  async stop(): Promise<void> {
    if (this._state === 'stopped' || this._state === 'draining') return;
    this._state = 'draining';
    clearInterval(this.statusTimer);
    this.stopWatchingSwitches?.();
    await this.pipelines?.stop();
    await this.objectEvents?.drain();
    this._state = 'stopped';
  }

  private async registerStreams(): Promise<void> {
    const { go2rtc, logger } = this.options;
    if (!go2rtc.registerStreams) return;
    const cameras = Object.fromEntries(
      Object.entries(go2rtc.sources).map(([name, source]) => [name, { source }]),
    );
    try {
      const result = await ensureStreams(new Go2rtcClient({ apiUrl: go2rtc.apiUrl }), cameras, logger);
      logger.info({ ...result }, 'go2rtc streams registered');
    } catch (error) {
      // go2rtc may come up after ingest; the decoders retry with backoff and report the cameras offline.
      logger.warn({ err: error }, 'could not register streams with go2rtc; continuing');
    }
  }

  private async startCamera(lease: Lease, logger: Logger): Promise<CameraPipeline> {
    const settings = this.settings.get(lease.camera);
    if (!settings) throw new Error(`camera ${lease.camera} is not configured here`);
    const { bus, subjects, metrics, workerId } = this.options;
    const pipeline = new CameraPipeline({
      camera: settings,
      producer: workerId,
      epoch: lease.epoch,
      nc: bus.nc,
      subjects,
      logger,
      metrics,
      ffmpegPath: this.options.ffmpegPath,
      onStateChange: (status) => this.publishStatus(status),
    });
    if (this.switches) pipeline.setSwitches(await this.switches.get(lease.camera));
    await pipeline.start();
    return pipeline;
  }

  private publishAllStatuses(): void {
    for (const pipeline of this.pipelines?.units() ?? []) this.publishStatus(pipeline.status());
  }

  private publishStatus(status: CameraStatus): void {
    const { bus, subjects, logger } = this.options;
    const bytes = encodeJson(CameraStatusSchema, status);
    bus.nc.publish(subjects.cameraStatus(status.camera), bytes);
    this.statusKv?.put(status.camera, bytes).catch((error: unknown) => {
      logger.debug({ err: error, camera: status.camera }, 'camera status not stored');
    });
  }
}
