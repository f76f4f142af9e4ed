export {
  loadConfig,
  parseConfig,
  resolveConfigPath,
  CONFIG_OVERLAY_ENV,
  CONFIG_PATH_ENV,
  DEFAULT_CONFIG_PATH,
} from './load.js';
export type { LoadConfigOptions, ParseConfigOptions } from './load.js';
export { ConfigError, formatConfigError } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { redactConfigForDisplay } from './redact.js';
export { switchDefaults, switchDefaultsFor } from './switch-defaults.js';
export { renderConfigReference } from './docs.js';
export { configSchema } from './schema/root.js';
export { DEFAULT_JPEG_QUALITY } from './schema/ingest.js';
export { parseByteSize } from './schema/common.js';
export { polygonProblems } from './polygon.js';
export type { Point } from './polygon.js';
export type {
  ShirikiConfig,
  CameraConfig,
  CaptureWindow,
  RecordConfig,
  DetectConfig,
  MotionConfig,
  ObjectsConfig,
  ObjectFilterConfig,
  ZoneConfig,
  FfmpegConfig,
  NatsConfig,
  Go2rtcConfig,
  ModelConfig,
  DetectorConfig,
  IngestConfig,
  EventsConfig,
  AlertsConfig,
  StorageConfig,
  ApiConfig,
  MqttConfig,
  TelemetryConfig,
} from './types.js';
