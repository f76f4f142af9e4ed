import type { PublishReason } from './publish-policy.js';
import { Counter, Gauge, Histogram, type Registry } from '@shiriki/telemetry';

/** Prometheus metrics of one ingest worker, labelled by camera. */
export interface IngestMetrics {
  framesIn: Counter<'camera'>;
  framesPublished: Counter<'camera' | 'reason'>;
  framesDropped: Counter<'camera'>;
  motionActive: Gauge<'camera'>;
  motionAlerts: Counter<'camera' | 'state'>;
  ffmpegRestarts: Counter<'camera'>;
  cameraState: Gauge<'camera' | 'state'>;
  camerasOwned: Gauge;
  /** From the frame's last byte leaving ffmpeg to its message handed to NATS, motion detection included. */
  decodeToPublishSeconds: Histogram<'camera'>;
  motionSeconds: Histogram<'camera'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    framesIn: new Counter({
      name: 'shiriki_ingest_frames_in_total',
      help: 'Frames decoded from the camera stream.',
      labelNames: ['camera'],
      registers,
    }),
    framesPublished: new Counter({
      name: 'shiriki_ingest_frames_published_total',
      help: 'Frames published for detection, by why they were sent (motion, tracking, idle).',
      labelNames: ['camera', 'reason'],
      registers,
    }),
    framesDropped: new Counter({
      name: 'shiriki_ingest_frames_dropped_total',
      help: 'Decoded frames skipped because the worker was still busy with the previous one.',
      labelNames: ['camera'],
      registers,
    }),
    motionActive: new Gauge({
      name: 'shiriki_ingest_motion_active',
      help: '1 while a motion episode is going on.',
      labelNames: ['camera'],
      registers,
    }),
    motionAlerts: new Counter({
      name: 'shiriki_ingest_motion_alerts_total',
      help: 'Motion alerts published, by state (started, update, ended).',
      labelNames: ['camera', 'state'],
      registers,
    }),
    ffmpegRestarts: new Counter({
      name: 'shiriki_ingest_ffmpeg_restarts_total',
      help: 'Decoder restarts after an exit or a stall.',
      labelNames: ['camera'],
      registers,
    }),
    cameraState: new Gauge({
      name: 'shiriki_ingest_camera_state',
      help: '1 for the state the camera is in (starting, streaming, stalled, offline), 0 for the others.',
      labelNames: ['camera', 'state'],
      registers,
    }),
    camerasOwned: new Gauge({
      name: 'shiriki_ingest_cameras_owned',
      help: 'Cameras whose lease this worker holds.',
      registers,
    }),
    decodeToPublishSeconds: new Histogram({
      name: 'shiriki_ingest_decode_to_publish_seconds',
      help: 'Time from a decoded frame leaving ffmpeg to its message being handed to NATS.',
      labelNames: ['camera'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
      registers,
    }),
    motionSeconds: new Histogram({
      name: 'shiriki_ingest_motion_detection_seconds',
      help: 'Time spent on motion detection per frame.',
      labelNames: ['camera'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01],
      registers,
    }),
  };
}

/** A counter or histogram child with its labels already resolved. */
interface BoundCounter {
  inc(value?: number): void;
}
interface BoundHistogram {
  observe(value: number): void;
}

/**
 * One camera's per-frame metrics with the camera label resolved once: prom-client hashes the label set on
 * every `inc({ camera })`, which the frame path would otherwise do several times per frame.
 */
export interface CameraMetrics {
  framesIn: BoundCounter;
  framesDropped: BoundCounter;
  ffmpegRestarts: BoundCounter;
  motionSeconds: BoundHistogram;
  decodeToPublishSeconds: BoundHistogram;
  framesPublished: (reason: PublishReason) => BoundCounter;
}

export function bindCameraMetrics(metrics: IngestMetrics, camera: string): CameraMetrics {
  const published = {
    motion: metrics.framesPublished.labels({ camera, reason: 'motion' }),
    tracking: metrics.framesPublished.labels({ camera, reason: 'tracking' }),
    stationary: metrics.framesPublished.labels({ camera, reason: 'stationary' }),
    idle: metrics.framesPublished.labels({ camera, reason: 'idle' }),
  };
  return {
    framesIn: metrics.framesIn.labels({ camera }),
    framesDropped: metrics.framesDropped.labels({ camera }),
    ffmpegRestarts: metrics.ffmpegRestarts.labels({ camera }),
    motionSeconds: metrics.motionSeconds.labels({ camera }),
    decodeToPublishSeconds: metrics.decodeToPublishSeconds.labels({ camera }),
    framesPublished: (reason) => published[reason],
  };
}
