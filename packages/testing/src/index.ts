export { freePort, freePorts, LOOPBACK } from './ports.js';
export { waitFor, sleep, WAIT_DEFAULTS } from './wait.js';
export { seededRandom } from './random.js';
export type { WaitForOptions } from './wait.js';
export { resolveTool, repoRoot, TOOL_ENV } from './tools.js';
export type { ToolName } from './tools.js';
export { assetsDir, assetPath, ASSETS_ENV } from './assets.js';
export { makeTempDir, removeTempDir } from './temp.js';
export { stopAll, runningServerCount } from './registry.js';
export type { ServerState, ServerHandle } from './server-process.js';
export { startNatsServer, createNatsServer, NATS_SERVER_DEFAULTS } from './nats-server.js';
export type { NatsServer, NatsServerOptions } from './nats-server.js';
export { startNatsCluster, NATS_CLUSTER_DEFAULTS } from './nats-cluster.js';
export type { NatsCluster, NatsClusterOptions } from './nats-cluster.js';
export { startGo2rtc, defaultGo2rtcStreams, GO2RTC_DEFAULTS } from './go2rtc.js';
export type { Go2rtcServer, Go2rtcOptions, Go2rtcApiAuth, Go2rtcLogLevel } from './go2rtc.js';
export { loopingFileSource, syntheticSource, clipSources, SYNTHETIC_DEFAULTS } from './go2rtc-sources.js';
export type { SyntheticSourceOptions } from './go2rtc-sources.js';
export { waitForRtspVideo, countRtspFrames } from './rtsp.js';
export type { RtspReadOptions, RtspReadResult } from './rtsp.js';
export { startMinio, MINIO_DEFAULTS } from './minio.js';
export type { MinioServer, MinioOptions } from './minio.js';
export { writeServiceConfig, spawnService } from './service.js';
export type { ServiceProcess, SpawnServiceOptions } from './service.js';
export { logTail, logEntry, logEntries, loggedSince, waitForLog } from './logs.js';
export { collect } from './collect.js';
export type { Collected } from './collect.js';
export { decodeClipFrames, rawFrameBytes } from './frames.js';
export type { DecodeFramesOptions, RawPixelFormat } from './frames.js';
export { processTreeCpuSeconds } from './cpu.js';
export { sumMetric, scrapeMetrics, scrapeCounter } from './metrics.js';
export {
  ToolNotFoundError,
  RepoRootNotFoundError,
  AssetsNotFoundError,
  WaitTimeoutError,
  ServerStartError,
  RtspReadError,
} from './errors.js';
