import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/nats-core';
import {
  DetectionsSchema,
  FrameDecodeError,
  PREVIOUS_SEQUENCE_HEADER,
  createBusMetrics,
  decodeFrame,
  defaultStreams,
  encodeJson,
  ensureConsumer,
  ensureStream,
  snapshotHeaders,
  type Bus,
  type BusMetrics,
  type DefaultStreamOptions,
  type Detections,
  type Frame,
  type Subjects,
} from '@shiriki/bus';
import type { Logger } from '@shiriki/telemetry';
import { BusyMeter } from './busy-meter.js';
import {
  FRAMES_CONSUMER_DEFAULTS,
  framesConsumerSpec,
  maxDeliveriesAdvisorySubject,
  type FramesConsumerOptions,
} from './consumer-spec.js';
import type { FrameDetector, RegionMode } from './frame-detector.js';
import type { DetectorWorkerMetrics } from './metrics.js';
import {
  SnapshotEncoder,
  SnapshotPolicy,
  decodeJpegToRgba,
  JpegDecodeError,
  loadJpegDecoder,
} from '@shiriki/snapshots';
import type { DetectFrame } from '../model/detect-frame.js';
import { withoutUndefined } from '@shiriki/options';
import { rateLimited } from '@shiriki/telemetry';

export interface DetectorWorkerOptions {
  /** Unique id of this worker, reported as `worker` in every `Detections` message. */
  workerId: string;
  /** The loaded model; the worker closes it when it has drained. */
  detector: FrameDetector;
  bus: Bus;
  subjects: Subjects;
  logger: Logger;
  metrics: DetectorWorkerMetrics;
  /** Where malformed frame messages are counted (`shiriki_bus_invalid_messages_total`). */
  busMetrics?: BusMetrics;
  /**
   * Frames in flight at once; each slot pulls one frame and pulls again only once it is done. Two keep the
   * model busy: one slot's frame is in the model while the other pulls, pre-processes and publishes.
   */
  concurrency?: number;
  /** Frames older than this (capture time to pick-up) are acked without inference and counted as stale. */
  maxFrameAgeMs?: number;
  /**
   * A frame with a detection (of a tracked label) scoring at least this much may also be published as a JPEG
   * snapshot; {@link SnapshotPolicy} skips frames that cannot beat a recent snapshot of the same objects.
   */
  snapshotThreshold?: number;
  /** How long a published snapshot stands in for later frames of its camera (see {@link SnapshotPolicy}). */
  snapshotIntervalMs?: number;
  /** Labels each camera tracks (`objects.track`); snapshots are decided on those only. All when absent. */
  trackedLabels?: ReadonlyMap<string, ReadonlySet<string>>;
  regionMode?: RegionMode;
  /** JPEG quality of snapshots. */
  snapshotQuality?: number;
  /** The shared durable consumer. */
  consumer?: FramesConsumerOptions;
  /** Frames stream limits, passed to `defaultStreams`. */
  stream?: DefaultStreamOptions;
  /** Create or update the frames stream and consumer at start. Default true. */
  ensureResources?: boolean;
  /**
   * How long one pull request waits for a frame before it is renewed. Drain waits for the pulls in flight
   * (a pull request cannot be withdrawn from the server), so this also bounds how long an idle worker takes to
   * drain. Default 2000 ms.
   */
  pullExpiresMs?: number;
  /** How often the backlog gauge and busy ratio are refreshed. Default 5000 ms. */
  sampleIntervalMs?: number;
  /** Wall-clock source for frame ages (tests). Default `Date.now`. */
  now?: () => number;
}

export const DETECTOR_WORKER_DEFAULTS = {
  concurrency: 2,
  maxFrameAgeMs: 2000,
  snapshotThreshold: 0.5,
  snapshotIntervalMs: 1000,
  regionMode: 'motion_regions',
  snapshotQuality: 80,
  ensureResources: true,
  pullExpiresMs: 2000,
  sampleIntervalMs: 5000,
} as const;

export type DetectorWorkerState = 'idle' | 'starting' | 'running' | 'draining' | 'stopped';

/** Running totals of one worker, also exported as Prometheus metrics. */
export interface DetectorWorkerStats {
  inferred: number;
  stale: number;
  redelivered: number;
  invalid: number;
  inferenceErrors: number;
  /** Frames given up after `max_deliver` deliveries, as counted by this worker from the server's advisory. */
  maxDeliverDropped: number;
  snapshots: number;
  /** Frames with a worthy detection whose snapshot was skipped as covered by a recent one. */
  snapshotsSkipped: number;
}

/**
 * A stateless detector worker. Every worker pulls from one shared durable consumer on the frames work-queue
 * stream, one frame per slot at a time, so a busy worker takes no new work and each frame is inferred once.
 * A frame is acked after its `Detections` (and snapshot) are published; a worker that dies leaves its frames
 * to be redelivered to another one after the consumer's ack wait.
 */
export class DetectorWorker {
  private _state: DetectorWorkerState = 'idle';
  private consumer: Consumer | undefined;
  private reopening: Promise<void> | undefined;
  private readonly slotLoops: Promise<void>[] = [];
  private readonly stopSignal = new AbortController();
  private advisories: Subscription | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;
  private readonly busy: BusyMeter;
  private lastBusyRatio: number | undefined;
  private readonly busMetrics: BusMetrics;
  private readonly o: Required<
    Pick<
      DetectorWorkerOptions,
      | 'concurrency'
      | 'maxFrameAgeMs'
      | 'snapshotThreshold'
      | 'snapshotIntervalMs'
      | 'regionMode'
      | 'snapshotQuality'
      | 'ensureResources'
      | 'pullExpiresMs'
      | 'sampleIntervalMs'
      | 'now'
    >
  >;
  private readonly durableName: string;
  private readonly warnPull: (obj: object, msg: string) => void;
  private readonly warnFrame: (obj: object, msg: string) => void;
  private readonly _stats: DetectorWorkerStats = {
    inferred: 0,
    stale: 0,
    redelivered: 0,
    invalid: 0,
    inferenceErrors: 0,
    maxDeliverDropped: 0,
    snapshots: 0,
    snapshotsSkipped: 0,
  };
  private drained: Promise<void> | undefined;
  /** Shared by the slots: soft per-camera state, so a lost update only costs an extra snapshot. */
  private readonly snapshotPolicy: SnapshotPolicy;

  constructor(private readonly options: DetectorWorkerOptions) {
    this.o = { ...DETECTOR_WORKER_DEFAULTS, now: Date.now, ...withoutUndefined(options) };
    if (!Number.isInteger(this.o.concurrency) || this.o.concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.o.concurrency}`);
    }
    this.durableName = options.consumer?.durableName ?? FRAMES_CONSUMER_DEFAULTS.durableName;
    this.busy = new BusyMeter(this.o.concurrency);
    this.snapshotPolicy = new SnapshotPolicy({
      threshold: this.o.snapshotThreshold,
      intervalMs: this.o.snapshotIntervalMs,
      ...(options.trackedLabels ? { trackedLabels: options.trackedLabels } : {}),
    });
    this.busMetrics = options.busMetrics ?? createBusMetrics();
    this.warnPull = rateLimited((obj, msg) => options.logger.warn(obj, msg), 10_000);
    this.warnFrame = rateLimited((obj, msg) => options.logger.warn(obj, msg), 10_000);
  }

  get state(): DetectorWorkerState {
    return this._state;
  }

  get stats(): Readonly<DetectorWorkerStats> {
    return { ...this._stats };
  }

  /** Ensures the frames stream and the shared consumer, then starts pulling. */
  async start(): Promise<void> {
    if (this._state !== 'idle') throw new Error(`cannot start a detector worker in state ${this._state}`);
    this._state = 'starting';
    try {
      await loadJpegDecoder();
      await this.openConsumer('ready');
    } catch (error) {
      this._state = 'stopped';
      await this.options.detector.close().catch(() => undefined);
      throw error;
    }
    const { bus, subjects, logger } = this.options;
    const stream = subjects.streams.frames;
    // A queue group: each advisory is counted by exactly one worker, so the sum over workers is exact.
    this.advisories = bus.nc.subscribe(maxDeliveriesAdvisorySubject(stream, this.durableName), {
      queue: `${this.durableName}-advisories`,
      callback: (error) => {
        if (error) return;
        this._stats.maxDeliverDropped += 1;
        this.options.metrics.framesDropped.inc({ reason: 'max_deliver' });
      },
    });
    this.sampleTimer = setInterval(() => void this.sample(), this.o.sampleIntervalMs);
    this.sampleTimer.unref();
    this._state = 'running';
    for (let slot = 0; slot < this.o.concurrency; slot++) this.slotLoops.push(this.runSlot(slot));
    logger.info(
      {
        worker: this.options.workerId,
        concurrency: this.o.concurrency,
        model: this.options.detector.modelName,
      },
      'detector worker pulling frames',
    );
  }

  /** Stops pulling, finishes and acks the frames in flight, then closes the model. Safe to call twice. */
  drain(): Promise<void> {
    this.drained ??= this.drainOnce();
    return this.drained;
  }

  /** Same as {@link drain}; what the service runtime calls on shutdown. */
  stop(): Promise<void> {
    return this.drain();
  }

  private async drainOnce(): Promise<void> {
    if (this._state === 'idle') {
      this._state = 'stopped';
      await this.options.detector.close();
      return;
    }
    this._state = 'draining';
    this.stopSignal.abort();
    // Pulls in flight are not stopped: the server may already have sent their frame, and a stopped fetch
    // would drop it unseen and leave it pending until the ack wait. Each slot finishes its pull instead.
    await Promise.all(this.slotLoops);
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    this.advisories?.unsubscribe();
    try {
      if (!this.options.bus.nc.isClosed()) await this.options.bus.nc.flush();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not flush acks while draining');
    }
    await this.options.detector.close();
    this._state = 'stopped';
    this.options.logger.info({ worker: this.options.workerId, ...this._stats }, 'detector worker stopped');
  }

  /** The busy ratio of the last sampling window (see `sample`); undefined before the first. */
  busyRatio(): number | undefined {
    return this.lastBusyRatio;
  }

  /**
   * Ensures the frames stream and the detectors' consumer (with `ensureResources`), then takes a handle on
   * the consumer. Run at start, and again after a failed pull: a lone nats-server that restarts comes back
   * without the memory frames stream and its consumer, and nothing else would create them again.
   */
  private async openConsumer(moment: 'ready' | 'restored'): Promise<void> {
    const { bus, subjects, logger } = this.options;
    const stream = subjects.streams.frames;
    if (this.o.ensureResources) {
      const streamResult = await ensureStream(bus.jsm, defaultStreams(subjects, this.options.stream).frames);
      const consumerResult = await ensureConsumer(bus.jsm, stream, framesConsumerSpec(this.options.consumer));
      const changed = streamResult.action !== 'unchanged' || consumerResult.action !== 'unchanged';
      if (moment === 'ready' || changed)
        logger.info(
          {
            stream,
            consumer: this.durableName,
            streamAction: streamResult.action,
            consumerAction: consumerResult.action,
            changed: [...streamResult.changed, ...consumerResult.changed],
          },
          moment === 'ready'
            ? 'frames stream and detector consumer ready'
            : 'frames stream and detector consumer restored',
        );
    }
    this.consumer = await bus.js.consumers.get(stream, this.durableName);
  }

  /** One {@link openConsumer} at a time, shared by every slot whose pull failed. */
  private async reopenConsumer(): Promise<void> {
    this.reopening ??= this.openConsumer('restored').finally(() => (this.reopening = undefined));
    await this.reopening;
  }

  /** Refreshes the backlog gauge from the consumer and the busy ratio. */
  async sample(): Promise<{ pending: number; ackPending: number } | undefined> {
    const { metrics } = this.options;
    this.lastBusyRatio = this.busy.sample();
    metrics.busyRatio.set(this.lastBusyRatio);
    if (!this.consumer || this._state !== 'running') return undefined;
    try {
      const info = await this.consumer.info(false);
      metrics.backlog.set({ kind: 'pending' }, info.num_pending);
      metrics.backlog.set({ kind: 'ack_pending' }, info.num_ack_pending);
      return { pending: info.num_pending, ackPending: info.num_ack_pending };
    } catch (error) {
      this.warnPull({ err: error }, 'could not read the detector consumer backlog');
      return undefined;
    }
  }

  private async runSlot(slot: number): Promise<void> {
    const snapshots = new SnapshotEncoder({ quality: this.o.snapshotQuality });
    let backoffMs = 250;
    while (this._state === 'running') {
      let msg: JsMsg | undefined;
      try {
        msg = await this.pullOne();
        backoffMs = 250;
      } catch (error) {
        if (this._state !== 'running') break;
        this.warnPull({ err: error, slot }, 'pulling a frame failed; retrying');
        await sleep(backoffMs, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
        if (this._state !== 'running') break;
        await this.reopenConsumer().catch((reopenError: unknown) =>
          this.warnPull({ err: reopenError, slot }, 'could not restore the frames stream and consumer'),
        );
        backoffMs = Math.min(backoffMs * 2, 5000);
        continue;
      }
      if (!msg) continue;
      // A frame pulled while drain began is work in flight: it is finished like any other, not handed back
      // (a nak would spend one of its deliveries on every slot still pulling).
      this.busy.begin(slot);
      try {
        await this.handle(msg, snapshots);
      } finally {
        this.busy.end(slot);
      }
    }
  }

  /** One pull request for one frame; resolves undefined when it expires empty. */
  private async pullOne(): Promise<JsMsg | undefined> {
    const consumer = this.consumer;
    if (!consumer) return undefined;
    const fetch = await consumer.fetch({ max_messages: 1, expires: this.o.pullExpiresMs });
    for await (const msg of fetch) return msg;
    return undefined;
  }

  private async handle(msg: JsMsg, snapshots: SnapshotEncoder): Promise<void> {
    const { metrics } = this.options;
    let frame: Frame;
    try {
      frame = decodeFrame(msg.data);
      if (frame.pixelFormat !== 'yuv420p' && frame.pixelFormat !== 'jpeg') {
        throw new FrameDecodeError(
          'bad_pixel_format',
          `detectors take yuv420p or jpeg frames, got ${frame.pixelFormat}`,
        );
      }
    } catch (error) {
      this.dropInvalid(msg, error instanceof FrameDecodeError ? error.reason : 'decoder_failure', error);
      return;
    }
    const camera = frame.camera;
    if (msg.info.deliveryCount > 1) {
      this._stats.redelivered += 1;
      metrics.framesRedelivered.inc({ camera });
    }
    if (this.o.now() - frame.captureTime > this.o.maxFrameAgeMs) {
      this._stats.stale += 1;
      metrics.framesStale.inc({ camera });
      msg.ack();
      return;
    }
    let picture: DetectFrame;
    try {
      picture = await detectPicture(frame);
    } catch (error) {
      if (!(error instanceof JpegDecodeError)) throw error;
      this.dropInvalid(msg, 'bad_payload', error);
      return;
    }
    // Inference can outlast the ack wait on a slow host; keep the frame ours while it runs.
    const ackWaitMs = this.options.consumer?.ackWaitMs ?? FRAMES_CONSUMER_DEFAULTS.ackWaitMs;
    const keepAlive = setInterval(() => msg.working(), Math.max(250, ackWaitMs / 2));
    try {
      const outgoing = await this.infer(frame, picture, snapshots, previousSequence(msg));
      // Published and acked in one turn of the event loop, so the client writes them in one socket write.
      this.publish(outgoing);
      msg.ack();
    } catch (error) {
      this._stats.inferenceErrors += 1;
      metrics.framesDropped.inc({ reason: 'inference_error' });
      this.warnFrame({ camera, sequence: frame.sequence, err: error }, 'inference failed; frame handed back');
      // Another worker (or this one, later) gets it again until max_deliver is reached.
      msg.nak(1000);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Counts, logs and terminates a frame message no worker can use. */
  private dropInvalid(msg: JsMsg, reason: string, error: unknown): void {
    this.busMetrics.invalidMessages.inc({ subject_kind: 'frames', reason });
    this.options.metrics.framesDropped.inc({ reason: 'invalid' });
    this._stats.invalid += 1;
    this.warnFrame({ subject: msg.subject, reason, err: error }, 'dropped an invalid frame message');
    msg.term(`invalid frame: ${reason}`);
  }

  /** Runs the model on the frame; returns what goes on the bus, the detections and maybe a snapshot. */
  private async infer(
    frame: Frame,
    picture: DetectFrame,
    snapshots: SnapshotEncoder,
    previous: { previous_sequence?: number },
  ): Promise<Outgoing> {
    const { detector, metrics, workerId } = this.options;
    const camera = frame.camera;
    const result = await detector.detect(picture, { regionMode: this.o.regionMode });
    metrics.inferenceSeconds.observe({ camera }, result.inferenceMs / 1000);
    // Decided before the detections go out, so they can say whether a JPEG of this frame follows.
    const snapshotFrame = {
      camera,
      sequence: frame.sequence,
      captureTime: frame.captureTime,
      width: frame.width,
      height: frame.height,
      detections: result.detections,
    };
    const decision = this.snapshotPolicy.decide(snapshotFrame);
    const detections: Detections = {
      camera,
      sequence: frame.sequence,
      ...previous,
      capture_time: frame.captureTime,
      width: frame.width,
      height: frame.height,
      detections: result.detections,
      model: detector.modelName,
      worker: workerId,
      inference_ms: result.inferenceMs,
      region_count: result.regionCount,
      snapshot: decision.snapshot,
    };
    if (!decision.snapshot) {
      if (decision.reason === 'covered') {
        this._stats.snapshotsSkipped += 1;
        metrics.snapshotsSkipped.inc({ camera });
      }
      return { detections };
    }
    // A JPEG frame is its own snapshot; a raw one is encoded.
    const jpeg =
      frame.pixelFormat === 'jpeg'
        ? frame.payload
        : await snapshots.encode(frame.payload, frame.width, frame.height);
    // Recorded now, with no await before the publish, so the next frame's decision already counts it.
    this.snapshotPolicy.record(snapshotFrame, decision.worthy);
    return {
      detections,
      snapshot: { labels: [...new Set(decision.worthy.map((d) => d.label))], jpeg },
    };
  }

  /** Puts a frame's detections, then its snapshot, on the bus. */
  private publish({ detections, snapshot }: Outgoing): void {
    const { bus, subjects, metrics } = this.options;
    const camera = detections.camera;
    bus.nc.publish(subjects.detections(camera), encodeJson(DetectionsSchema, detections));
    this._stats.inferred += 1;
    metrics.framesInferred.inc({ camera });
    if (!snapshot) return;
    const { labels, jpeg } = snapshot;
    bus.nc.publish(subjects.snapshots(camera), jpeg, {
      headers: snapshotHeaders({
        camera,
        sequence: detections.sequence,
        captureTime: detections.capture_time,
        width: detections.width,
        height: detections.height,
        labels,
      }),
    });
    this._stats.snapshots += 1;
    metrics.snapshotsPublished.inc({ camera });
  }
}

/** What one frame puts on the bus. */
interface Outgoing {
  detections: Detections;
  /** The frame's JPEG, with the labels worth it, each once; the rest of its headers come from `detections`. */
  snapshot?: { labels: string[]; jpeg: Uint8Array };
}

/**
 * The picture detection reads: a raw frame as it is, a JPEG decoded to RGBA. Throws
 * `JpegDecodeError` for a JPEG that does not decode to the frame's size.
 */
async function detectPicture(frame: Frame): Promise<DetectFrame> {
  const { width, height, motionBoxes } = frame;
  if (frame.pixelFormat !== 'jpeg')
    return { width, height, motionBoxes, pixelFormat: 'yuv420p', payload: frame.payload };
  const picture = await decodeJpegToRgba(frame.payload, { width, height });
  return { width, height, motionBoxes, pixelFormat: 'rgba', payload: picture.data };
}

/** The predecessor the ingest named in the frame's headers, when it is a valid sequence. */
function previousSequence(msg: JsMsg): { previous_sequence?: number } {
  const text = msg.headers?.get(PREVIOUS_SEQUENCE_HEADER);
  const value = text ? Number(text) : Number.NaN;
  return Number.isSafeInteger(value) && value >= 0 ? { previous_sequence: value } : {};
}
