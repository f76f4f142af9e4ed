import {
  CameraSwitchBoard,
  ClipReadySchema,
  defaultStreams,
  encodeJson,
  ensureStream,
  type Bus,
  type ClipReady,
  type Subjects,
} from '@shiriki/bus';
import { switchDefaultsFor, type CameraConfig } from '@shiriki/config';
import { OwnedCameras, type Lease } from '@shiriki/ownership';
import { resolveFfmpegPath } from '@shiriki/process';
import type { ObjectStore, RetentionRule } from '@shiriki/storage';
import type { Logger } from '@shiriki/telemetry';
import { CameraRecorder } from './camera-recorder.js';
import { ClipDelivery } from './delivery.js';
import type { RecorderMetrics } from './metrics.js';
import { UploadSpool } from './spool.js';

export interface RecorderWorkerOptions {
  /** Unique id of this worker: a KV key token. */
  workerId: string;
  /** Cameras with `record.enabled`; the others are ignored. */
  cameras: CameraConfig[];
  /** The go2rtc restream URL of a camera. */
  inputUrl: (camera: string) => string;
  spool: { dir: string; maxBytes: number };
  /** From `record.retention`; applied as lifecycle rules, or swept periodically. */
  retention: RetentionRule[];
  lease: { ttlMs: number; heartbeatMs: number };
  /** `events.stream_max_age_days` in ms (the events stream is ensured with it). */
  eventsMaxAgeMs: number;
  replicas: number;
  store: ObjectStore;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  metrics: RecorderMetrics;
  ffmpegPath?: string;
  /** Ack wait of the per-camera consumers. Default 30 s. */
  ackWaitMs?: number;
  /** Wait for footage past a clip window's end before cutting what exists. Default max(10 s, 3 segments). */
  footageGraceMs?: number;
  /** Default 2 s. */
  spoolDrainIntervalMs?: number;
  /** Default 1 h. */
  sweepIntervalMs?: number;
  /** Default 20 s. */
  stopGraceMs?: number;
}

export const RECORDER_WORKER_DEFAULTS = {
  ackWaitMs: 30_000,
  spoolDrainIntervalMs: 2_000,
  sweepIntervalMs: 3_600_000,
  stopGraceMs: 20_000,
} as const;

export type RecorderWorkerState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/** Lease bucket of the recorder role: `<leases>_recorder`. */
export const recorderLeaseBucket = (subjects: Subjects): string => subjects.buckets.leases('recorder');

/**
 * A recorder worker: takes its share of the cameras through leases and runs a {@link CameraRecorder} for
 * each; keeps the upload spool drained and the store's retention in force.
 */
export class RecorderWorker {
  readonly #cameras: Map<string, CameraConfig>;
  #recorders: OwnedCameras<CameraRecorder> | undefined;
  /** The `recordings` switch per camera (MQTT `<camera>/recordings/set`, the api). */
  readonly #recordingsOn = new Map<string, boolean>();
  #stopWatchingSwitches: (() => void) | undefined;
  #spool: UploadSpool | undefined;
  #delivery: ClipDelivery | undefined;
  #timers: NodeJS.Timeout[] = [];
  #storeReady = false;
  #state: RecorderWorkerState = 'idle';

  constructor(private readonly options: RecorderWorkerOptions) {
    this.#cameras = new Map(
      options.cameras.filter((c) => c.enabled && c.record.enabled).map((c) => [c.name, c]),
    );
  }

  get state(): RecorderWorkerState {
    return this.#state;
  }

  ownedCameras(): string[] {
    return this.#recorders?.cameras() ?? [];
  }

  recorder(camera: string): CameraRecorder | undefined {
    return this.#recorders?.get(camera);
  }

  get spool(): UploadSpool | undefined {
    return this.#spool;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`cannot start a recorder worker in state ${this.#state}`);
    this.#state = 'starting';
    const o = this.options;
    const streams = defaultStreams(o.subjects, { eventsMaxAgeMs: o.eventsMaxAgeMs, replicas: o.replicas });
    await ensureStream(o.bus.jsm, streams.events);
    await ensureStream(o.bus.jsm, streams.clips);
    const ffmpegPath = o.ffmpegPath ?? resolveFfmpegPath();
    o.metrics.spoolMaxBytes.set(o.spool.maxBytes);
    this.#spool = new UploadSpool({
      dir: o.spool.dir,
      maxBytes: o.spool.maxBytes,
      logger: o.logger.child({ component: 'spool' }),
      onChange: (files, bytes) => {
        o.metrics.spoolFiles.set(files);
        o.metrics.spoolBytes.set(bytes);
      },
      onDrop: (entry) => {
        o.metrics.spoolDropped.inc();
        o.metrics.failures.inc({ camera: entry.job.camera, reason: 'spool_dropped' });
      },
    });
    await this.#spool.open();
    const delivery = new ClipDelivery({
      store: o.store,
      spool: this.#spool,
      publish: (job) => this.#publishClipReady(job.clipReady, job.msgId),
      metrics: o.metrics,
      logger: o.logger.child({ component: 'delivery' }),
    });
    this.#delivery = delivery;
    await this.#prepareStore();
    this.#timers.push(
      setInterval(() => {
        if (!this.#storeReady) void this.#prepareStore();
        else if (this.#spool && this.#spool.files > 0) void delivery.drain();
      }, o.spoolDrainIntervalMs ?? RECORDER_WORKER_DEFAULTS.spoolDrainIntervalMs),
    );
    const board = await CameraSwitchBoard.open(
      o.bus.js,
      o.subjects.buckets.cameraSwitches,
      switchDefaultsFor(this.#cameras.values()),
      o.replicas,
    );
    for (const name of this.#cameras.keys()) this.#recordingsOn.set(name, (await board.get(name)).recordings);
    this.#stopWatchingSwitches = await board.watch((name, states) =>
      this.#recordingsOn.set(name, states.recordings),
    );
    this.#recorders = await OwnedCameras.start(o.bus.nc, {
      bucket: recorderLeaseBucket(o.subjects),
      replicas: o.replicas,
      workerId: o.workerId,
      cameras: [...this.#cameras.keys()],
      ttlMs: o.lease.ttlMs,
      heartbeatMs: o.lease.heartbeatMs,
      logger: o.logger,
      open: (lease, logger) => this.#startCamera(lease, logger, ffmpegPath, delivery),
      onCountChange: (count) => o.metrics.camerasOwned.set(count),
    });
    this.#state = 'running';
    o.logger.info({ cameras: this.#cameras.size, spooled: this.#spool.files }, 'recorder worker running');
  }

  /** Finishes (or hands back) clips in progress, stops every segmenter and gives the leases back. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'draining') return;
    this.#state = 'draining';
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#stopWatchingSwitches?.();
    await this.#recorders?.stop();
    this.#state = 'stopped';
  }

  /** Makes sure the bucket exists and retention is in force; retried from the drain timer until it works. */
  async #prepareStore(): Promise<void> {
    const o = this.options;
    try {
      await o.store.ensureReady();
      const mechanism = await o.store.applyRetention(o.retention);
      if (mechanism === 'sweeper') {
        this.#timers.push(
          setInterval(() => {
            o.store
              .sweep(o.retention)
              .catch((error: unknown) => o.logger.warn({ err: error }, 'sweep failed'));
          }, o.sweepIntervalMs ?? RECORDER_WORKER_DEFAULTS.sweepIntervalMs),
        );
      }
      this.#storeReady = true;
      o.logger.info({ retention: mechanism }, 'object store ready');
      if (this.#spool && this.#spool.files > 0) void this.#delivery?.drain();
    } catch (error) {
      o.metrics.failures.inc({ camera: '', reason: 'store_not_ready' });
      o.logger.warn({ err: error }, 'object store not ready; clips are spooled until it is');
    }
  }

  async #publishClipReady(clipReady: ClipReady, msgId: string): Promise<void> {
    const { bus, subjects } = this.options;
    await bus.js.publish(subjects.clips(clipReady.camera), encodeJson(ClipReadySchema, clipReady), {
      msgID: msgId,
    });
  }

  async #startCamera(
    lease: Lease,
    logger: Logger,
    ffmpegPath: string,
    delivery: ClipDelivery,
  ): Promise<CameraRecorder> {
    const camera = this.#cameras.get(lease.camera);
    const spool = this.#spool;
    if (!camera || !spool) throw new Error(`camera ${lease.camera} cannot be recorded here`);
    const o = this.options;
    const footageGraceMs = o.footageGraceMs ?? Math.max(10_000, 3 * camera.record.segment_seconds * 1000);
    const recorder = new CameraRecorder({
      camera,
      inputUrl: o.inputUrl(camera.name),
      bus: o.bus,
      subjects: o.subjects,
      store: o.store,
      delivery,
      publishClipReady: (clipReady, msgId) => this.#publishClipReady(clipReady, msgId),
      workDir: spool.workDir,
      ffmpegPath,
      instanceId: o.workerId,
      logger,
      metrics: o.metrics,
      ackWaitMs: o.ackWaitMs ?? RECORDER_WORKER_DEFAULTS.ackWaitMs,
      footageGraceMs,
      stopGraceMs: o.stopGraceMs ?? RECORDER_WORKER_DEFAULTS.stopGraceMs,
      recordingsEnabled: () => this.#recordingsOn.get(lease.camera) ?? true,
    });
    await recorder.start();
    return recorder;
  }
}
