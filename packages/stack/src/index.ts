// The servers one box runs beside shiriki's services (nats-server, go2rtc, MinIO), started from the binaries
// scripts/bootstrap.sh pins, on loopback ports, each a child process that dies with its parent.
export { freePort, freePorts, preferredPort, LOOPBACK } from './ports.js';
export { Supervisor, SUPERVISOR_DEFAULTS } from './supervisor.js';
export type { ProcessSpec, SupervisorEvents, SupervisorOptions } from './supervisor.js';
export { waitFor, sleep, WAIT_DEFAULTS } from './wait.js';
export type { WaitForOptions } from './wait.js';
export { resolveTool, repoRoot, TOOL_ENV } from './tools.js';
export type { ToolName } from './tools.js';
export { assetsDir, assetPath, ASSETS_ENV } from './assets.js';
export { makeTempDir, removeTempDir } from './temp.js';
export { stopAll, runningServerCount, track, untrack } from './registry.js';
export type { ServerState, ServerHandle } from './server-process.js';
export { startNatsServer, createNatsServer, NATS_SERVER_DEFAULTS } from './nats-server.js';
export type { NatsServer, NatsServerOptions } from './nats-server.js';
export { startGo2rtc, defaultGo2rtcStreams, GO2RTC_DEFAULTS } from './go2rtc.js';
export type { Go2rtcServer, Go2rtcOptions, Go2rtcApiAuth, Go2rtcLogLevel } from './go2rtc.js';
export { loopingFileSource, syntheticSource, clipSources, SYNTHETIC_DEFAULTS } from './go2rtc-sources.js';
export type { SyntheticSourceOptions } from './go2rtc-sources.js';
export { startMinio, MINIO_DEFAULTS } from './minio.js';
export { startMosquitto, MOSQUITTO_ENV } from './mosquitto.js';
export type { MosquittoServer, MosquittoOptions } from './mosquitto.js';
export type { MinioServer, MinioOptions } from './minio.js';
export { getJson, httpOk } from './http.js';
export {
  ToolNotFoundError,
  RepoRootNotFoundError,
  AssetsNotFoundError,
  WaitTimeoutError,
  ServerStartError,
} from './errors.js';
