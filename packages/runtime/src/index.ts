export { runService, METRICS_PORT_ENV } from './run-service.js';
export type { RunServiceOptions, RunningComponent, ServiceContext } from './run-service.js';
export { busOptionsFromConfig } from './bus-options.js';
