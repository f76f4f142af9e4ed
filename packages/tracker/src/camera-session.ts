import { performance } from 'node:perf_hooks';
import type { KV } from '@nats-io/kv';
import type { Subscription } from '@nats-io/nats-core';
import {
  AlertSchema,
  DetectionsSchema,
  ObjectEventSchema,
  encodeJson,
  readSnapshotHeaders,
  followJson,
  type Bus,
  type BusMetrics,
  type Detections,
  type ObjectEvent,
  type StreamFollower,
  type Subjects,
} from '@shiriki/bus';
import type { Logger } from '@shiriki/telemetry';
import {
  CameraTracker,
  alertsFor,
  createAlertMemory,
  type AlertMemory,
  type ObjectAlertsConfig,
  type TrackerOptions,
  type TrackerStats,
} from '@shiriki/tracking';
import { CHECKPOINT_VERSION, eventMessageId, parseCheckpoint, type TrackerCheckpoint } from './checkpoint.js';
import type { TrackerMetrics } from './metrics.js';
import { SnapshotCache } from './snapshot-cache.js';
import type { ReleaseReason } from '@shiriki/ownership';
import {
  succeedsWithin,
  uploadSnapshot,
  type EventKeysFactory,
  type SnapshotObject,
  type SnapshotStore,
  type SnapshotUploadOptions,
} from './snapshot-upload.js';

export interface CameraSessionOptions {
  workerId: string;
  tracker: TrackerOptions;
  /** Zone names of the camera, for `alertsFor`. */
  zones: readonly string[];
  alerts: ObjectAlertsConfig;
  bus: Bus;
  subjects: Subjects;
  stateKv: KV;
  store: SnapshotStore | undefined;
  objectKeys: EventKeysFactory;
  snapshots: SnapshotUploadOptions;
  advanceIntervalMs: number;
  checkpointIntervalMs: number;
  /** Attempts to publish one event before it is left to the outbox of the next checkpoint. */
  publishAttempts: number;
  logger: Logger;
  metrics: TrackerMetrics;
  busMetrics?: BusMetrics;
  /** The camera's `snapshots` switch: off, events keep no best snapshot. Default: always on. */
  snapshotsEnabled?: () => boolean;
}

type Task = () => Promise<void>;

/** Detections published this long before a checkpoint was saved are replayed too (in flight when it was taken). */
const REPLAY_MARGIN_MS = 1_000;
/** A replay that takes longer than this no longer holds back the clock. */
const REPLAY_TIMEOUT_MS = 5_000;

/**
 * Tracking of one owned camera: detections in, object events out to JetStream, alerts, best snapshots, and
 * checkpoints so the next owner continues the same objects.
 *
 * Order of effects: an event batch holding a `new` or an `end` is published only after a checkpoint taken
 * after the batch was decided is stored. So whoever restores a checkpoint knows every object whose `new` may
 * be out, and the outbox in it re-publishes (deduplicated) what may not be.
 */
export class CameraSession {
  readonly camera: string;
  private tracker: CameraTracker;
  private alertMemory: AlertMemory;
  private readonly outbox = new Set<ObjectEvent>();
  private readonly cache = new SnapshotCache();
  private detections: StreamFollower | undefined;
  private snapshotsSub: Subscription | undefined;
  private advanceTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private publishChain: Promise<void> = Promise.resolve();
  private checkpointRunning: Promise<void> | undefined;
  private checkpointQueued: Promise<void> | undefined;
  private revision: number | undefined;
  private superseded = false;
  private lastCheckpointAt = 0;
  private maxSequence = -1;
  private closing = false;
  private readonly background = new Set<Promise<void>>();
  /** The tracker's counters when last turned into metrics: each `handle` adds what they rose by since. */
  private lastStats: CountedStats;

  private constructor(
    private readonly options: CameraSessionOptions,
    tracker: CameraTracker,
    alertMemory: AlertMemory,
    revision: number | undefined,
  ) {
    this.camera = options.tracker.camera;
    this.tracker = tracker;
    this.alertMemory = alertMemory;
    this.revision = revision;
    this.lastStats = countedStats(tracker.stats());
  }

  /** Restores the camera from its checkpoint (or starts empty), re-publishes its outbox and starts tracking. */
  static async open(options: CameraSessionOptions): Promise<CameraSession> {
    const camera = options.tracker.camera;
    const logger = options.logger;
    const entry = await options.stateKv.get(camera);
    let tracker = new CameraTracker(options.tracker);
    let memory = createAlertMemory();
    let outbox: ObjectEvent[] = [];
    let restoredAt: number | undefined;
    if (entry && entry.operation === 'PUT' && entry.value.length > 0) {
      try {
        const checkpoint = parseCheckpoint(camera, entry.value);
        restoredAt = checkpoint.saved_at;
        tracker = CameraTracker.fromState(options.tracker, checkpoint.tracker);
        memory = checkpoint.alert_memory;
        outbox = checkpoint.outbox;
        logger.info(
          {
            camera,
            from: checkpoint.worker,
            age_ms: Date.now() - checkpoint.saved_at,
            objects: checkpoint.tracker.objects.length,
            outbox: outbox.length,
          },
          'tracker state restored',
        );
      } catch (error) {
        logger.warn({ err: error }, 'tracker checkpoint unusable; starting empty');
      }
    }
    const session = new CameraSession(options, tracker, memory, entry?.revision);
    for (const event of outbox) session.outbox.add(event);
    session.enqueue(async () => {
      for (const event of outbox) session.raiseAlert(event, await session.publishEvent(event, undefined));
    });
    session.subscribeSnapshots();
    // The detections the camera had while nobody tracked it (its owner died, or handed it over) are replayed
    // before the clock may expire anything: the objects carry on instead of ending and starting again.
    session.detections = await followJson(
      options.bus,
      DetectionsSchema,
      (detections) => session.onDetections(detections),
      {
        stream: options.subjects.streams.detections,
        subject: options.subjects.detections(camera),
        ...(restoredAt === undefined
          ? {}
          : { fromTime: restoredAt - options.tracker.reorderDelayMs - REPLAY_MARGIN_MS }),
        logger,
        metrics: options.busMetrics,
      },
    );
    let replayTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      session.detections.caughtUp,
      new Promise((resolve) => (replayTimer = setTimeout(resolve, REPLAY_TIMEOUT_MS))),
    ]);
    clearTimeout(replayTimer);
    session.advanceTimer = setInterval(() => session.advance(), options.advanceIntervalMs);
    session.checkpointTimer = setInterval(() => {
      void session.checkpoint();
    }, options.checkpointIntervalMs);
    return session;
  }

  /** Open objects (real or not) of this camera. */
  openObjects(): ReturnType<CameraTracker['openObjects']> {
    return this.tracker.openObjects();
  }

  /**
   * Stops tracking. With `endObjects` (the camera was removed) every object ends first; otherwise the state
   * is checkpointed for the next owner. `checkpoint: false` (the lease was lost: someone else may own the
   * camera already) leaves the stored state alone.
   */
  /**
   * Ends this worker's tracking of the camera on losing its lease: a handed-over camera is checkpointed for
   * the next owner (a lost lease is not: the next owner may already be writing), and a camera removed from
   * the config ends its open objects.
   */
  stop(reason: ReleaseReason): Promise<void> {
    return this.close({
      checkpoint: reason !== 'lost',
      ...(reason === 'removed' ? { endObjects: 'camera_removed' } : {}),
    });
  }

  async close(opts: { endObjects?: string; checkpoint: boolean }): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.advanceTimer);
    clearInterval(this.checkpointTimer);
    this.snapshotsSub?.unsubscribe();
    await this.detections?.stop();
    if (opts.endObjects !== undefined) this.handle(this.tracker.endAll(Date.now(), opts.endObjects));
    await this.publishChain;
    if (opts.checkpoint) await this.checkpoint();
    this.options.metrics.trackedObjects.remove(this.camera);
    this.options.metrics.checkpointAgeSeconds.remove(this.camera);
    this.cache.clear();
  }

  /** Waits for background snapshot retries (tests, shutdown). */
  async settled(): Promise<void> {
    await this.publishChain;
    await Promise.all([...this.background]);
  }

  private subscribeSnapshots(): void {
    const { bus, subjects } = this.options;
    this.snapshotsSub = bus.nc.subscribe(subjects.snapshots(this.camera), {
      callback: (error, msg) => {
        if (error || this.closing) return;
        const meta = readSnapshotHeaders(msg.headers);
        if (!meta || meta.camera !== this.camera) return;
        this.cache.add(
          {
            sequence: meta.sequence,
            captureTime: meta.captureTime,
            width: meta.width,
            height: meta.height,
            jpeg: msg.data.slice(),
          },
          this.tracker.retainedSnapshotSequences(),
        );
      },
    });
  }

  private onDetections(detections: Detections): void {
    if (this.closing) return;
    const started = performance.now();
    const events = this.tracker.push(detections);
    this.options.metrics.trackSeconds.observe({ camera: this.camera }, (performance.now() - started) / 1000);
    this.maxSequence = Math.max(this.maxSequence, detections.sequence);
    this.handle(events);
  }

  /**
   * Ends every open object now (`detect` switched off: no frame will come, and holding the objects through
   * that silence would keep them open for `detect.silence_hold_s`).
   */
  endObjects(reason: string): void {
    if (this.closing) return;
    this.handle(this.tracker.endAll(Date.now(), reason));
  }

  private advance(): void {
    if (this.closing) return;
    this.handle(this.tracker.advance(Date.now()));
    this.options.metrics.checkpointAgeSeconds.set(
      { camera: this.camera },
      this.lastCheckpointAt === 0 ? 0 : (Date.now() - this.lastCheckpointAt) / 1000,
    );
  }

  /** Takes the JPEGs `end` events need, queues checkpoint and publishes, then trims the snapshot cache. */
  private handle(events: ObjectEvent[]): void {
    const { metrics } = this.options;
    const stats = this.tracker.stats();
    const late = stats.lateFrames - this.lastStats.lateFrames;
    const duplicate = stats.duplicateFrames - this.lastStats.duplicateFrames;
    if (late > 0) metrics.droppedFrames.inc({ camera: this.camera, reason: 'late' }, late);
    if (duplicate > 0) metrics.droppedFrames.inc({ camera: this.camera, reason: 'duplicate' }, duplicate);
    const gaps = stats.frameGaps - this.lastStats.frameGaps;
    if (gaps > 0) metrics.frameGaps.inc({ camera: this.camera }, gaps);
    this.lastStats = countedStats(stats);
    metrics.trackedObjects.set({ camera: this.camera }, stats.realObjects);
    if (events.length > 0) {
      const batch = events.map((event) => ({ event, snapshot: this.snapshotFor(event) }));
      for (const { event } of batch) this.outbox.add(event);
      const durable = events.some((e) => e.type !== 'update') ? this.checkpoint() : undefined;
      this.enqueue(async () => {
        if (durable) await durable;
        for (const { event, snapshot } of batch) {
          const duplicate = await this.publishEvent(event, snapshot);
          this.raiseAlert(event, duplicate);
        }
      });
    }
    this.cache.prune(this.tracker.retainedSnapshotSequences(), this.maxSequence);
  }

  private snapshotFor(event: ObjectEvent): SnapshotObject | undefined {
    if (event.type !== 'end' || !event.snapshot || event.snapshot.key !== undefined) return undefined;
    if (this.options.snapshotsEnabled?.() === false) return undefined;
    const cached = this.cache.get(event.snapshot.frame_sequence);
    if (!cached) {
      this.options.metrics.snapshotUploads.inc({ camera: this.camera, result: 'missing' });
      return undefined;
    }
    return {
      camera: this.camera,
      eventId: event.id,
      label: event.label,
      frameSequence: cached.sequence,
      jpeg: cached.jpeg,
    };
  }

  private enqueue(task: Task): void {
    this.publishChain = this.publishChain.then(task).catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'publishing events failed');
    });
  }

  /** Publishes one event; resolves whether the stream already had it (a re-publish after a hand-over). */
  private async publishEvent(event: ObjectEvent, snapshot: SnapshotObject | undefined): Promise<boolean> {
    const { bus, subjects, metrics, logger, publishAttempts } = this.options;
    if (snapshot && event.snapshot) {
      const key = await this.storeSnapshot(event, snapshot);
      if (key !== undefined) event.snapshot = { ...event.snapshot, key };
    }
    const payload = encodeJson(ObjectEventSchema, event);
    const msgID = eventMessageId(event);
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await bus.js.publish(subjects.events(this.camera, event.label), payload, { msgID });
        this.outbox.delete(event);
        if (ack.duplicate) metrics.duplicateEvents.inc({ camera: this.camera });
        else metrics.events.inc({ camera: this.camera, type: event.type });
        return ack.duplicate;
      } catch (error) {
        if (attempt >= publishAttempts) {
          // Stays in the outbox: the next checkpoint carries it to whoever tracks the camera next.
          logger.error({ event: msgID, err: error }, 'event not published');
          return false;
        }
        logger.warn({ event: msgID, attempt, err: error }, 'event publish failed; retrying');
        await sleep(Math.min(250 * 2 ** attempt, 4000));
      }
    }
  }

  /** Updates the alert memory; an event the stream already had raised its alert then, so none now. */
  private raiseAlert(event: ObjectEvent, duplicate: boolean): void {
    const { alerts, zones, bus, subjects, metrics } = this.options;
    const alert = alertsFor(event, alerts, zones, this.alertMemory);
    if (!alert || duplicate) return;
    bus.nc.publish(subjects.alerts(this.camera, alert.label), encodeJson(AlertSchema, alert));
    metrics.alerts.inc({ camera: this.camera, label: alert.label });
  }

  /**
   * Uploads the best snapshot and thumbnail. Waits at most `timeoutMs` for the first attempt; after that the
   * event goes out without a key and the upload is retried in the background a bounded number of times.
   */
  private async storeSnapshot(event: ObjectEvent, snapshot: SnapshotObject): Promise<string | undefined> {
    const { store, objectKeys, snapshots, metrics, logger } = this.options;
    if (!store) return undefined;
    const keys = objectKeys(this.camera, event.start_time, event.id);
    const first = uploadSnapshot(store, keys, snapshot, snapshots.thumbnailWidth);
    if (await succeedsWithin(first, snapshots.timeoutMs)) {
      metrics.snapshotUploads.inc({ camera: this.camera, result: 'ok' });
      return keys.snapshot;
    }
    metrics.snapshotUploads.inc({ camera: this.camera, result: 'retry' });
    logger.warn({ event: event.id }, 'snapshot upload failed; retrying in the background');
    const retry = (async () => {
      await first.catch(() => undefined);
      for (let attempt = 1; attempt <= snapshots.retries; attempt++) {
        await sleep(snapshots.retryDelayMs * 2 ** (attempt - 1));
        try {
          await uploadSnapshot(store, keys, snapshot, snapshots.thumbnailWidth);
          metrics.snapshotUploads.inc({ camera: this.camera, result: 'ok' });
          logger.info({ event: event.id, key: keys.snapshot }, 'snapshot uploaded late');
          return;
        } catch (error) {
          logger.warn({ event: event.id, attempt, err: error }, 'snapshot upload retry failed');
        }
      }
      metrics.snapshotUploads.inc({ camera: this.camera, result: 'failed' });
      logger.error({ event: event.id }, 'snapshot upload given up');
    })();
    this.background.add(retry);
    void retry.finally(() => this.background.delete(retry));
    return undefined;
  }

  /**
   * Stores state + outbox. Writes are serialised and coalesced: a call while one is waiting joins it, and a
   * call while one is running waits for the next one, which reads the state when it starts.
   */
  checkpoint(): Promise<void> {
    if (this.checkpointQueued) return this.checkpointQueued;
    const previous = this.checkpointRunning ?? Promise.resolve();
    const next: Promise<void> = previous.then(async () => {
      this.checkpointQueued = undefined;
      this.checkpointRunning = next;
      try {
        await this.writeCheckpoint();
      } finally {
        if (this.checkpointRunning === next) this.checkpointRunning = undefined;
      }
    });
    this.checkpointQueued = next;
    return next;
  }

  private async writeCheckpoint(): Promise<void> {
    if (this.superseded) return;
    const { stateKv, metrics, logger, workerId } = this.options;
    const checkpoint: TrackerCheckpoint = {
      version: CHECKPOINT_VERSION,
      worker: workerId,
      saved_at: Date.now(),
      tracker: this.tracker.exportState(),
      alert_memory: this.alertMemory,
      outbox: [...this.outbox],
    };
    const bytes = new TextEncoder().encode(JSON.stringify(checkpoint));
    try {
      // Compare-and-set on the revision this session last saw: a stale owner never overwrites a newer state.
      this.revision =
        this.revision === undefined
          ? await stateKv.create(this.camera, bytes)
          : await stateKv.update(this.camera, bytes, this.revision);
      this.lastCheckpointAt = checkpoint.saved_at;
      metrics.checkpointAgeSeconds.set({ camera: this.camera }, 0);
    } catch (error) {
      metrics.checkpointFailures.inc({ camera: this.camera });
      const current = await stateKv.get(this.camera).catch(() => null);
      if (current && current.revision !== this.revision) {
        this.superseded = true;
        logger.warn(
          { err: error },
          'tracker state written by another worker; no more checkpoints from this one',
        );
      } else {
        logger.warn({ err: error }, 'checkpoint failed');
      }
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type CountedStats = Pick<TrackerStats, 'lateFrames' | 'duplicateFrames' | 'frameGaps'>;

function countedStats({ lateFrames, duplicateFrames, frameGaps }: TrackerStats): CountedStats {
  return { lateFrames, duplicateFrames, frameGaps };
}
