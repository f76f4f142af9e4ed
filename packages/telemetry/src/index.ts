export { createLogger } from './logger.js';
export type { Logger, LevelWithSilent, LoggerOptions } from './logger.js';
export type { LogSink } from './log-sink.js';
export { LogLimiter, rateLimited } from './log-limiter.js';
export type { LogLimiterOptions } from './log-limiter.js';
export {
  REDACTED,
  SECRET_NAMES,
  URL_ONLY_SECRET_NAMES,
  isSecretKey,
  redactSecrets,
  redactServerUrl,
  redactText,
  redactUrlCredentials,
} from './redact.js';
export { createMetrics } from './metrics.js';
export type { MetricsOptions } from './metrics.js';
export { Counter, Gauge, Histogram, Summary, Registry } from 'prom-client';
export { startTelemetryServer } from './server.js';
export type { TelemetryServer, TelemetryServerOptions, Probe, ProbeResult } from './server.js';
export { ServiceLifecycle } from './lifecycle.js';
export type { LifecycleState, ShutdownStep, ServiceLifecycleOptions } from './lifecycle.js';
export {
  TelemetryServerError,
  LifecycleStateError,
  ShutdownStepError,
  ShutdownTimeoutError,
} from './errors.js';
