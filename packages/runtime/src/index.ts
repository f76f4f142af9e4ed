export { runService, METRICS_PORT_ENV } from './run-service.js';
export type { RunServiceOptions, RunningComponent, ServiceContext } from './run-service.js';
export { busOptionsFromConfig } from './bus-options.js';
export { startServiceHeartbeat } from './service-heartbeat.js';
export type { ServiceHeartbeatOptions } from './service-heartbeat.js';
