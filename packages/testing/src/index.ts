// Test helpers. The servers themselves come from @shiriki/stack (the demo and `shiriki up` run them too);
// they are re-exported here so a test imports everything it needs from one place.
export {
  freePort,
  freePorts,
  LOOPBACK,
  waitFor,
  sleep,
  WAIT_DEFAULTS,
  resolveTool,
  repoRoot,
  TOOL_ENV,
  assetsDir,
  assetPath,
  ASSETS_ENV,
  makeTempDir,
  removeTempDir,
  stopAll,
  runningServerCount,
  startNatsServer,
  createNatsServer,
  NATS_SERVER_DEFAULTS,
  startGo2rtc,
  defaultGo2rtcStreams,
  GO2RTC_DEFAULTS,
  loopingFileSource,
  syntheticSource,
  clipSources,
  SYNTHETIC_DEFAULTS,
  startMinio,
  MINIO_DEFAULTS,
  startMosquitto,
  MOSQUITTO_ENV,
  ToolNotFoundError,
  RepoRootNotFoundError,
  AssetsNotFoundError,
  WaitTimeoutError,
  ServerStartError,
} from '@shiriki/stack';
export type {
  WaitForOptions,
  ToolName,
  ServerState,
  ServerHandle,
  NatsServer,
  NatsServerOptions,
  Go2rtcServer,
  Go2rtcOptions,
  Go2rtcApiAuth,
  Go2rtcLogLevel,
  SyntheticSourceOptions,
  MinioServer,
  MosquittoServer,
  MinioOptions,
} from '@shiriki/stack';
export { seededRandom } from './random.js';
export { startNatsCluster, NATS_CLUSTER_DEFAULTS } from './nats-cluster.js';
export type { NatsCluster, NatsClusterOptions } from './nats-cluster.js';
export { waitForRtspVideo, countRtspFrames } from './rtsp.js';
export type { RtspReadOptions, RtspReadResult } from './rtsp.js';
export { writeServiceConfig, spawnService } from './service.js';
export type { ServiceProcess, SpawnServiceOptions } from './service.js';
export { logTail, logEntry, logEntries, loggedSince, waitForLog } from './logs.js';
export { collect } from './collect.js';
export type { Collected } from './collect.js';
export { decodeClipFrames, rawFrameBytes } from './frames.js';
export type { DecodeFramesOptions, RawPixelFormat } from './frames.js';
export { processTreeCpuSeconds } from './cpu.js';
export { processesMentioning } from './processes.js';
export type { ProcessLine } from './processes.js';
export { containerDuration } from './probe.js';
export { sumMetric, scrapeMetrics, scrapeCounter } from './metrics.js';
export { cameraEncoderArgs, encodeCameraClip, publishCamera } from './published-camera.js';
export type { CameraClip, CameraClipOptions, CameraEncoding, PublishingCamera } from './published-camera.js';
export { makeTestCertificates } from './certificates.js';
export type { TestCertificates } from './certificates.js';
export { RtspReadError } from './errors.js';
