import type { KV } from '@nats-io/kv';
import {
  CameraSwitchBoard,
  defaultStreams,
  ensureKv,
  ensureStream,
  type Bus,
  type BusMetrics,
  type Subjects,
} from '@shiriki/bus';
import { switchDefaultsFor, type CameraConfig } from '@shiriki/config';
import { OwnedCameras, type Lease } from '@shiriki/ownership';
import type { Logger } from '@shiriki/telemetry';
import { trackerOptionsFromCamera, type ObjectAlertsConfig, type TrackerOverrides } from '@shiriki/tracking';
import { CameraSession } from './camera-session.js';
import type { TrackerMetrics } from './metrics.js';
import {
  SNAPSHOT_UPLOAD_DEFAULTS,
  type EventKeysFactory,
  type SnapshotStore,
  type SnapshotUploadOptions,
} from './snapshot-upload.js';

export interface TrackerWorkerOptions {
  /** Unique id of this worker: a KV key token (letters, digits, `-`, `_`). */
  workerId: string;
  cameras: CameraConfig[];
  events: {
    /** `events.heartbeat_s` in ms. */
    heartbeatMs: number;
    /** `events.stream_max_age_days` in ms. */
    streamMaxAgeMs: number;
    /** `events.stream_replicas`; also used for the lease and state buckets. */
    replicas: number;
  };
  alerts: ObjectAlertsConfig;
  lease: { ttlMs: number; heartbeatMs: number };
  /**
   * `ingest.tracked_frame_interval_s` in ms: how often ingest sends a frame while a moving object is open, so
   * trackers tell an outage from a quiet scene. Default 1000.
   */
  trackedFrameIntervalMs?: number;
  /** Where best snapshots go; without one, `end` events carry no snapshot key. */
  store?: SnapshotStore;
  /** `eventObjectKeys` from `@shiriki/storage`. */
  objectKeys: EventKeysFactory;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  metrics: TrackerMetrics;
  busMetrics?: BusMetrics;
  /** How often idle cameras advance (objects end when detections stop). Default 500 ms. */
  advanceIntervalMs?: number;
  /** How often each camera's state is checkpointed. Default 1000 ms. */
  checkpointIntervalMs?: number;
  /** Attempts per event publish before it waits in the outbox. Default 5. */
  publishAttempts?: number;
  snapshots?: Partial<SnapshotUploadOptions>;
  /** Extra tracker options for every camera (tests inject a deterministic `idFactory`). */
  trackerOverrides?: TrackerOverrides;
}

export const TRACKER_WORKER_DEFAULTS = {
  advanceIntervalMs: 500,
  checkpointIntervalMs: 1000,
  publishAttempts: 5,
} as const;

export type TrackerWorkerState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/** Lease bucket of the tracker role. */
export const trackerLeaseBucket = (subjects: Subjects): string => subjects.buckets.leases('tracker');

/** KV bucket of per-camera tracker checkpoints. */
export const trackerStateBucket = (subjects: Subjects): string => subjects.buckets.trackerState;

/**
 * A tracker worker: takes its fair share of the cameras through leases, runs a {@link CameraSession} per
 * owned camera, and hands cameras over with their state so objects keep their ids across workers.
 */
export class TrackerWorker {
  private readonly cameras: Map<string, CameraConfig>;
  private sessions: OwnedCameras<CameraSession> | undefined;
  /** The `snapshots` switch per camera (MQTT `<camera>/snapshots/set`, the api). */
  private readonly snapshotsOn = new Map<string, boolean>();
  private stopWatchingSwitches: (() => void) | undefined;
  private stateKv: KV | undefined;
  private _state: TrackerWorkerState = 'idle';

  constructor(private readonly options: TrackerWorkerOptions) {
    this.cameras = new Map(options.cameras.filter((c) => c.enabled).map((c) => [c.name, c]));
  }

  get state(): TrackerWorkerState {
    return this._state;
  }

  /** Cameras this worker tracks right now. */
  ownedCameras(): string[] {
    return this.sessions?.cameras() ?? [];
  }

  session(camera: string): CameraSession | undefined {
    return this.sessions?.get(camera);
  }

  async start(): Promise<void> {
    if (this._state !== 'idle') throw new Error(`cannot start a tracker worker in state ${this._state}`);
    this._state = 'starting';
    const { bus, subjects, logger, lease, events, workerId, store } = this.options;
    const streams = defaultStreams(subjects, {
      eventsMaxAgeMs: events.streamMaxAgeMs,
      replicas: events.replicas,
    });
    await ensureStream(bus.jsm, streams.events);
    await ensureStream(bus.jsm, streams.detections);
    this.stateKv = await ensureKv(bus.js, trackerStateBucket(subjects), { replicas: events.replicas });
    store?.ensureReady().catch((error: unknown) => {
      // Uploads retry on their own; tracking must not wait for the object store.
      logger.warn({ err: error }, 'object store not ready; snapshots will be retried');
    });
    const board = await CameraSwitchBoard.open(
      bus.js,
      subjects.buckets.cameraSwitches,
      switchDefaultsFor(this.cameras.values()),
      events.replicas,
    );
    const detectOn = new Map<string, boolean>();
    for (const name of this.cameras.keys()) {
      const states = await board.get(name);
      this.snapshotsOn.set(name, states.snapshots);
      detectOn.set(name, states.detect);
    }
    this.stopWatchingSwitches = await board.watch((name, states) => {
      this.snapshotsOn.set(name, states.snapshots);
      if (detectOn.get(name) === true && !states.detect) this.sessions?.get(name)?.endObjects('detect_off');
      detectOn.set(name, states.detect);
    });
    this.sessions = await OwnedCameras.start(bus.nc, {
      bucket: trackerLeaseBucket(subjects),
      replicas: events.replicas,
      workerId,
      cameras: [...this.cameras.keys()],
      ttlMs: lease.ttlMs,
      heartbeatMs: lease.heartbeatMs,
      logger,
      open: (acquired, cameraLogger) => this.startCamera(acquired, cameraLogger),
      onCountChange: (count) => this.options.metrics.camerasOwned.set(count),
    });
    this._state = 'running';
    logger.info({ cameras: this.cameras.size }, 'tracker worker running');
  }

  /** Checkpoints every camera and gives the leases back so other workers continue at once. */
  async stop(): Promise<void> {
    if (this._state === 'stopped' || this._state === 'draining') return;
    this._state = 'draining';
    this.stopWatchingSwitches?.();
    await this.sessions?.stop();
    this._state = 'stopped';
  }

  private async startCamera(lease: Lease, logger: Logger): Promise<CameraSession> {
    const camera = this.cameras.get(lease.camera);
    const stateKv = this.stateKv;
    if (!camera || !stateKv) throw new Error(`camera ${lease.camera} cannot be tracked here`);
    const o = this.options;
    return CameraSession.open({
      workerId: o.workerId,
      tracker: trackerOptionsFromCamera(camera, {
        heartbeatMs: o.events.heartbeatMs,
        ...(o.trackedFrameIntervalMs === undefined
          ? {}
          : { trackedFrameIntervalMs: o.trackedFrameIntervalMs }),
        ...o.trackerOverrides,
      }),
      zones: Object.keys(camera.zones),
      alerts: o.alerts,
      bus: o.bus,
      subjects: o.subjects,
      stateKv,
      store: o.store,
      objectKeys: o.objectKeys,
      snapshots: { ...SNAPSHOT_UPLOAD_DEFAULTS, ...o.snapshots },
      advanceIntervalMs: o.advanceIntervalMs ?? TRACKER_WORKER_DEFAULTS.advanceIntervalMs,
      checkpointIntervalMs: o.checkpointIntervalMs ?? TRACKER_WORKER_DEFAULTS.checkpointIntervalMs,
      publishAttempts: o.publishAttempts ?? TRACKER_WORKER_DEFAULTS.publishAttempts,
      logger,
      metrics: o.metrics,
      busMetrics: o.busMetrics,
      snapshotsEnabled: () => this.snapshotsOn.get(lease.camera) ?? true,
    });
  }
}
