import { performance } from 'node:perf_hooks';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import {
  encodeFrame,
  encodeJson,
  AlertSchema,
  MotionAlertSchema,
  PREVIOUS_SEQUENCE_HEADER,
  type CameraStatus,
  type FrameHeader,
  type MotionAlert,
  type Subjects,
} from '@shiriki/bus';
import {
  FfmpegDecoder,
  frameSizeOf,
  type DecodedFrame,
  type DecoderStateChange,
  type FrameSource,
  type FrameSourceFactory,
} from '@shiriki/media';
import {
  MotionDetector,
  MotionTracker,
  motionAnalysisSize,
  type MotionOptions,
  type MotionTransition,
} from '@shiriki/motion';
import { cameraStateOf, RateMeter, type CameraState } from './camera-status.js';
import { FrameMessages } from './frame-messages.js';
import { bindCameraMetrics, type CameraMetrics, type IngestMetrics } from './metrics.js';
import {
  FramePublishPolicy,
  type PublishPolicyOptions,
  type PublishReason,
  type TrackedObjectNews,
} from './publish-policy.js';
import { boxArea, type Box } from '@shiriki/geometry';
import type { LogSink } from '@shiriki/telemetry';

/** Everything one camera's pipeline needs to know about the camera; built from the config. */
export interface CameraSettings {
  name: string;
  /** `rtsp://<go2rtc>:8554/<camera>`: ingest always reads the go2rtc restream, never the camera. */
  inputUrl: string;
  detect: { width: number; height: number; fps: number };
  ffmpeg: { globalArgs: string[]; inputArgs: string[]; hwaccelArgs: string[] };
  /**
   * What frames on the bus carry (`ingest.frames`): `jpeg`, encoded by ffmpeg at `jpegQuality` (its `-q:v`),
   * with motion detected on a small gray image from the same ffmpeg; or `yuv420p`, raw frames, with motion
   * detected on their luma plane.
   */
  frames: { format: 'jpeg' | 'yuv420p'; jpegQuality: number };
  /** `detect.enabled`: with detection off no frame goes to the detectors (motion still runs). */
  detectEnabled: boolean;
  /** With motion off every decoded frame goes to the detectors. */
  motionEnabled: boolean;
  /** `alerts.enabled`: motion alerts on the alerts subject (motion messages go out either way). */
  motionAlerts: boolean;
  motion: Partial<MotionOptions>;
  /** Time without motion before "motion ended". */
  motionOffDelayMs: number;
  publish: Partial<PublishPolicyOptions>;
  decoder: { stallTimeoutMs: number; initialBackoffMs: number; maxBackoffMs: number };
}

export interface CameraPipelineOptions {
  camera: CameraSettings;
  /** This worker's id and the lease revision under which it owns the camera (the frames' producer epoch). */
  producer: string;
  epoch: number;
  /** Where frames and motion messages go: the NATS connection (its `publish`), or a recorder in tests. */
  nc: FramePublisher;
  subjects: Subjects;
  logger: LogSink;
  metrics: IngestMetrics;
  /** While a motion episode lasts, an `update` alert is published this often. Default 5000 ms. */
  motionUpdateIntervalMs?: number;
  /** Called whenever the camera's state changes. */
  onStateChange?: (status: CameraStatus) => void;
  ffmpegPath?: string;
  /** Where frames come from. Default: ffmpeg decoding `camera.inputUrl` ({@link ffmpegFrameSource}). */
  frameSource?: FrameSourceFactory;
  /**
   * Added to the decoder's frame counter to make the published sequence. Default: the start time in
   * microseconds, so that a camera's sequence keeps growing when another worker (or a restarted one) takes it
   * over: the tracker drops a frame numbered below one it has processed as late. Clocks of ingest hosts may
   * differ by up to the lease TTL before that breaks.
   */
  sequenceBase?: number;
}

/** The one call the pipeline makes on the bus. */
/** Where frames go: the NATS connection, or a recorder in tests. */
export interface FramePublisher {
  publish(subject: string, payload: Uint8Array, options?: { headers?: MsgHdrs }): void;
}

/**
 * ffmpeg decoding the camera's go2rtc restream at the detect size and rate: into yuv420p frames, or into JPEGs
 * with gray motion images at the motion detector's analysis size.
 */
export function ffmpegFrameSource(
  camera: CameraSettings,
  logger: LogSink,
  ffmpegPath?: string,
): FrameSourceFactory {
  const jpeg = camera.frames.format === 'jpeg';
  const motion = motionPlaneSize(camera);
  return (sink) => {
    const decoder = new FfmpegDecoder({
      name: camera.name,
      logger,
      ffmpegPath,
      decode: {
        inputUrl: camera.inputUrl,
        width: camera.detect.width,
        height: camera.detect.height,
        fps: camera.detect.fps,
        pixelFormat: 'yuv420p',
        ...(jpeg
          ? {
              jpeg: {
                quality: camera.frames.jpegQuality,
                motionWidth: motion.width,
                motionHeight: motion.height,
              },
            }
          : {}),
        globalArgs: camera.ffmpeg.globalArgs,
        inputArgs: camera.ffmpeg.inputArgs,
        hwaccelArgs: camera.ffmpeg.hwaccelArgs,
      },
      stallTimeoutMs: camera.decoder.stallTimeoutMs,
      initialBackoffMs: camera.decoder.initialBackoffMs,
      maxBackoffMs: camera.decoder.maxBackoffMs,
      onFrame: (frame) => sink.onFrame(frame),
      ...(jpeg ? {} : { allocateFrame: () => sink.allocateFrame() }),
    });
    decoder.on('state', (change) => sink.onState(change));
    return decoder;
  };
}

/** The gray image motion is detected on: the analysis size of the camera's motion settings. */
function motionPlaneSize(camera: CameraSettings): { width: number; height: number } {
  return motionAnalysisSize(camera.detect.width, camera.detect.height, camera.motion.frameHeight);
}

/**
 * One camera on one ingest worker: its frame source (ffmpeg decoding the go2rtc restream at the detect size
 * and rate, into JPEGs with small gray motion images or into yuv420p frames), motion detection on the gray
 * image or the luma plane, and the frames that matter published with their motion boxes, next to motion
 * alerts. Frames are handled synchronously as they arrive, so the
 * decoder never has to drop one unless motion detection itself falls behind the stream.
 */
export class CameraPipeline {
  private readonly source: FrameSource;
  private motion: MotionDetector | undefined;
  /** `detect` run-time switch; starts as `camera.detectEnabled`. */
  private detectOn: boolean;
  private readonly motionTracker: MotionTracker;
  private readonly policy: FramePublishPolicy;
  private readonly fps = new RateMeter();
  private readonly frameArea: number;
  private readonly framesSubject: string;
  private readonly jpeg: boolean;
  private readonly metrics: CameraMetrics;
  /** The message buffers ffmpeg's raw frames are read into, so a published frame is never copied. */
  private readonly messages: FrameMessages;
  private state: CameraState = 'starting';
  private stateSince = Date.now();
  private reason: string | undefined;
  private published = 0;
  /** Sequence of the last frame published, which the next one names as its predecessor. */
  private previousPublished: number | undefined;
  private countedDrops = 0;
  private countedRestarts = 0;
  private lastMotionUpdateAt = 0;
  private episodeStartedAt = 0;
  /** Largest fraction of the frame in motion since the episode started. */
  private episodePeakArea = 0;
  private lastMotionSequence = 0;
  private readonly sequenceBase: number;

  constructor(private readonly options: CameraPipelineOptions) {
    const { camera } = options;
    this.sequenceBase = options.sequenceBase ?? Date.now() * 1000;
    const { width, height } = camera.detect;
    this.frameArea = width * height;
    this.jpeg = camera.frames.format === 'jpeg';
    this.framesSubject = options.subjects.frames(camera.name);
    this.metrics = bindCameraMetrics(options.metrics, camera.name);
    this.messages = new FrameMessages({
      frameSize: frameSizeOf(width, height, 'yuv420p'),
      sampleHeader: this.frameHeader({ sequence: 0, receivedAt: 0 }, [], 'motion'),
    });
    this.motion = camera.motionEnabled ? this.newMotionDetector() : undefined;
    this.detectOn = camera.detectEnabled;
    this.motionTracker = new MotionTracker({ offDelayMs: camera.motionOffDelayMs });
    this.policy = new FramePublishPolicy(camera.publish);
    const source = options.frameSource ?? ffmpegFrameSource(camera, options.logger, options.ffmpegPath);
    this.source = source({
      onFrame: (frame) => this.handleFrame(frame),
      allocateFrame: () => this.messages.payload(),
      onState: (change) => this.onDecoderState(change),
    });
  }

  get name(): string {
    return this.options.camera.name;
  }

  async start(): Promise<void> {
    await this.source.start();
  }

  /** Stops ffmpeg (q, SIGTERM, SIGKILL) and ends an open motion episode so no alert is left dangling. */
  async stop(): Promise<void> {
    await this.source.stop();
    const ended = this.motionTracker.flush(Date.now());
    if (ended) this.publishMotion(ended, [], this.lastMotionSequence);
    this.options.metrics.motionActive.set({ camera: this.name }, 0);
  }

  /** The tracker's object events of this camera, fed back so objects that stand still keep getting frames. */
  onObjectEvent(atMs: number, news: TrackedObjectNews): void {
    this.policy.onObjectEvent(atMs, news);
  }

  /**
   * The camera's run-time switches (MQTT `<camera>/detect/set`, the api): with detect off no frame goes to
   * the detectors; with motion off motion detection stops, an open episode ends, and detection (if on) gets
   * every frame, as with `motion.enabled: false`. Takes effect from the next frame.
   */
  setSwitches(switches: { detect: boolean; motion: boolean }): void {
    this.detectOn = switches.detect;
    if (switches.motion && !this.motion) {
      this.motion = this.newMotionDetector();
    } else if (!switches.motion && this.motion) {
      this.motion = undefined;
      const ended = this.motionTracker.flush(Date.now());
      if (ended) this.publishMotion(ended, [], this.lastMotionSequence);
      this.options.metrics.motionActive.set({ camera: this.name }, 0);
    }
  }

  private newMotionDetector(): MotionDetector {
    const { detect, motion } = this.options.camera;
    return new MotionDetector(detect.width, detect.height, motion, this.jpeg ? 'analysis' : 'frame');
  }

  status(now = Date.now()): CameraStatus {
    const stats = this.source.stats;
    return {
      camera: this.name,
      state: this.state,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      owner: this.options.producer,
      since: this.stateSince,
      fps_in: Math.round(this.fps.rate(now) * 100) / 100,
      frames_published: this.published,
      frames_dropped: stats.framesDropped,
      restarts: stats.restarts,
      motion_active: this.motionTracker.state === 'active',
    };
  }

  private handleFrame(frame: DecodedFrame): void {
    const { metrics } = this;
    const at = frame.receivedAt;
    this.fps.mark(at);
    metrics.framesIn.inc();
    this.syncDecoderCounters();

    let boxes: Box[] = [];
    if (this.motion) {
      const started = performance.now();
      const result = this.motion.detect(frame.data);
      metrics.motionSeconds.observe((performance.now() - started) / 1000);
      boxes = result.boxes;
      if (boxes.length > 0) this.episodePeakArea = Math.max(this.episodePeakArea, this.areaFraction(boxes));
      const transition = this.motionTracker.update(result, at);
      const sequence = this.sequenceBase + frame.sequence;
      if (transition) this.publishMotion(transition, boxes, sequence);
      else this.maybePublishMotionUpdate(at, boxes, sequence);
      if (boxes.length > 0) this.lastMotionSequence = sequence;
    }

    if (!this.detectOn) return;
    const reason = this.policy.decide(at, this.motion ? boxes.length > 0 : true);
    if (reason !== undefined) this.publishFrame(frame, boxes, reason);
  }

  private frameHeader(
    frame: Pick<DecodedFrame, 'sequence' | 'receivedAt'>,
    boxes: readonly Box[],
    reason: PublishReason,
  ): FrameHeader {
    const { width, height } = this.options.camera.detect;
    return {
      camera: this.name,
      producer: this.options.producer,
      producerEpoch: this.options.epoch,
      sequence: this.sequenceBase + frame.sequence,
      captureTime: frame.receivedAt,
      width,
      height,
      pixelFormat: this.jpeg ? 'jpeg' : 'yuv420p',
      hasMotion: boxes.length > 0,
      trackingRefresh: reason !== 'motion',
      motionBoxes: boxes,
    };
  }

  private publishFrame(frame: DecodedFrame, boxes: readonly Box[], reason: PublishReason): void {
    const header = this.frameHeader(frame, boxes, reason);
    const options: { headers?: MsgHdrs } = {};
    if (this.previousPublished !== undefined) {
      options.headers = natsHeaders();
      options.headers.set(PREVIOUS_SEQUENCE_HEADER, String(this.previousPublished));
    }
    let message: Uint8Array;
    if (!this.jpeg) message = this.messages.message(header, frame.data);
    else if (frame.jpeg) message = encodeFrame({ ...header, payload: frame.jpeg });
    else throw new Error('a jpeg frame source delivered a frame without its JPEG');
    this.options.nc.publish(this.framesSubject, message, options);
    this.previousPublished = header.sequence;
    this.published += 1;
    const { metrics } = this;
    metrics.framesPublished(reason).inc();
    metrics.decodeToPublishSeconds.observe((Date.now() - frame.receivedAt) / 1000);
  }

  private publishMotion(transition: MotionTransition, boxes: readonly Box[], sequence: number): void {
    const camera = this.name;
    const area = this.areaFraction(boxes);
    const alert: MotionAlert =
      transition.type === 'started'
        ? {
            type: 'motion',
            camera,
            state: 'started',
            started_at: transition.startedAtMs,
            boxes: [...boxes],
            area,
            peak_area: area,
            producer: this.options.producer,
            sequence,
          }
        : {
            type: 'motion',
            camera,
            state: 'ended',
            started_at: transition.startedAtMs,
            ended_at: transition.endedAtMs,
            boxes: [transition.box],
            area: 0,
            peak_area: Math.min(1, transition.peakArea / this.frameArea),
            producer: this.options.producer,
            sequence,
          };
    if (transition.type === 'started') {
      this.episodeStartedAt = transition.startedAtMs;
      this.episodePeakArea = area;
    }
    this.send(alert, transition.type === 'started' ? transition.startedAtMs : transition.endedAtMs);
    this.options.metrics.motionActive.set({ camera }, transition.type === 'started' ? 1 : 0);
  }

  private maybePublishMotionUpdate(at: number, boxes: readonly Box[], sequence: number): void {
    const interval = this.options.motionUpdateIntervalMs ?? 5000;
    if (this.motionTracker.state !== 'active' || boxes.length === 0) return;
    if (at - this.lastMotionUpdateAt < interval) return;
    const area = this.areaFraction(boxes);
    this.send(
      {
        type: 'motion',
        camera: this.name,
        state: 'update',
        started_at: this.episodeStartedAt,
        boxes: [...boxes],
        area,
        peak_area: Math.max(area, this.episodePeakArea),
        producer: this.options.producer,
        sequence,
      },
      at,
    );
  }

  private send(alert: MotionAlert, at: number): void {
    const { nc, subjects, metrics } = this.options;
    nc.publish(subjects.motion(this.name), encodeJson(MotionAlertSchema, { ...alert, time: at }));
    if (alert.state === 'started' && this.options.camera.motionAlerts) {
      // The person-facing alert: once per episode, on the one subject scheme shared with object alerts.
      const notification = { kind: 'motion' as const, camera: this.name, zones: [], time: at };
      nc.publish(subjects.alerts(this.name, 'motion'), encodeJson(AlertSchema, notification));
    }
    this.lastMotionUpdateAt = at;
    metrics.motionAlerts.inc({ camera: this.name, state: alert.state });
  }

  private areaFraction(boxes: readonly Box[]): number {
    let area = 0;
    for (const box of boxes) area += boxArea(box);
    return Math.min(1, area / this.frameArea);
  }

  private onDecoderState(change: DecoderStateChange): void {
    this.syncDecoderCounters();
    const state = cameraStateOf(change);
    const reason = state === 'streaming' ? undefined : change.reason;
    if (state === this.state && reason === this.reason) return;
    const level = state === 'offline' || state === 'stalled' ? 'warn' : 'info';
    this.options.logger[level](
      { camera: this.name, state, reason, retryInMs: change.retryInMs },
      'camera state',
    );
    for (const each of ['starting', 'streaming', 'stalled', 'offline'] as const) {
      this.options.metrics.cameraState.set({ camera: this.name, state: each }, each === state ? 1 : 0);
    }
    this.state = state;
    this.reason = reason;
    this.stateSince = Date.now();
    this.options.onStateChange?.(this.status());
  }

  /** Copies the decoder's running totals into the Prometheus counters, which only go up by increments. */
  private syncDecoderCounters(): void {
    const { framesDropped, restarts } = this.source.stats;
    const { metrics } = this;
    if (framesDropped > this.countedDrops) {
      metrics.framesDropped.inc(framesDropped - this.countedDrops);
      this.countedDrops = framesDropped;
    }
    if (restarts > this.countedRestarts) {
      metrics.ffmpegRestarts.inc(restarts - this.countedRestarts);
      this.countedRestarts = restarts;
    }
  }
}
