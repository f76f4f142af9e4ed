import type { ConfigDocument } from './schema/root.js';
import type { DetectConfig } from './schema/detect.js';
import type { MotionConfig } from './schema/motion.js';
import type { ObjectsConfig } from './schema/objects.js';
import type { RecordSectionConfig } from './schema/record.js';
import type { ZoneConfig } from './schema/zones.js';
import type { FfmpegConfig } from './schema/camera.js';

/** Clip window for one label, in seconds. */
export interface CaptureWindow {
  pre_capture: number;
  post_capture: number;
}

/** The record section with every per-label window complete and every directory absolute. */
export interface RecordConfig extends Omit<RecordSectionConfig, 'labels'> {
  labels: Record<string, CaptureWindow>;
}

/** A camera with the global sections merged in: services read these settings as they are. */
export interface CameraConfig {
  /** The key under `cameras`, a valid NATS subject token and go2rtc stream name. */
  name: string;
  enabled: boolean;
  /** go2rtc sources, the first preferred, the rest fallbacks. */
  source: string[];
  detect: DetectConfig;
  motion: MotionConfig;
  /** `filters` holds an entry for every tracked label. */
  objects: ObjectsConfig;
  zones: Record<string, ZoneConfig>;
  record: RecordConfig;
  ffmpeg: FfmpegConfig;
}

/**
 * The fully resolved shiriki configuration: defaults applied, cameras merged with the global sections,
 * secrets substituted and every file path absolute. The global `detect`, `motion`, `objects` and `record`
 * sections stay for reference; per-camera work reads `cameras.<name>`.
 */
export interface ShirikiConfig extends Omit<ConfigDocument, 'assets_dir' | 'cameras' | 'record'> {
  /** Absolute directory of models and media. */
  assets_dir: string;
  record: RecordConfig;
  cameras: Record<string, CameraConfig>;
}

export type { DetectConfig, MotionConfig, ObjectsConfig, ZoneConfig, FfmpegConfig };
export type { ObjectFilterConfig } from './schema/objects.js';
export type { NatsConfig } from './schema/nats.js';
export type { Go2rtcConfig } from './schema/go2rtc.js';
export type { ModelConfig } from './schema/model.js';
export type { DetectorConfig } from './schema/detector.js';
export type { IngestConfig } from './schema/ingest.js';
export type { EventsConfig } from './schema/events.js';
export type { AlertsConfig } from './schema/alerts.js';
export type { StorageConfig } from './schema/storage.js';
export type { ApiConfig } from './schema/api.js';
export type { MqttConfig } from './schema/mqtt.js';
export type { TelemetryConfig } from './schema/telemetry.js';
