import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  connectBus,
  createBusMetrics,
  createSubjects,
  type Bus,
  type BusMetrics,
  type Subjects,
} from '@shiriki/bus';
import {
  ConfigError,
  formatConfigError,
  loadConfig,
  resolveConfigPath,
  type ShirikiConfig,
} from '@shiriki/config';
import {
  ServiceLifecycle,
  createLogger,
  createMetrics,
  startTelemetryServer,
  type Logger,
  type Registry,
} from '@shiriki/telemetry';
import { busOptionsFromConfig } from './bus-options.js';
import { startServiceHeartbeat } from './service-heartbeat.js';

/** What a service's setup function gets: everything already connected and registered for shutdown. */
export interface ServiceContext {
  config: ShirikiConfig;
  logger: Logger;
  bus: Bus;
  subjects: Subjects;
  registry: Registry;
  busMetrics: BusMetrics;
  /** Unique per process: `<host>-<pid>-<random>`, a valid NATS token and KV key. */
  instanceId: string;
  lifecycle: ServiceLifecycle;
}

/** A started component: it is stopped first on shutdown, before NATS drains. */
export interface RunningComponent {
  stop(): Promise<void>;
  /** How busy the component was lately (0..1), sent with the heartbeat; detectors report model time. */
  busyRatio?(): number | undefined;
}

export interface RunServiceOptions {
  /** Service name in logs, metrics and the NATS client name, e.g. `ingest`. */
  service: string;
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Time a drain may take before the process exits anyway. Default 15000 ms. */
  graceMs?: number;
  setup: (context: ServiceContext) => Promise<RunningComponent>;
}

/** Environment variable that overrides `telemetry.metrics_port`, so several services can share one host. */
export const METRICS_PORT_ENV = 'SHIRIKI_METRICS_PORT';

/**
 * Runs a long-lived service: loads the config (exit 2 with every problem listed when it is invalid),
 * creates the logger, connects to NATS, serves /metrics, /healthz and /readyz, publishes its
 * `ServiceStatus` heartbeat on `<p>.status.<service>.<instance>`, starts the component,
 * and on SIGTERM or SIGINT stops the component, closes the HTTP server and drains NATS, in that order.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const env = options.env ?? process.env;
  const config = await loadOrExit(resolveConfigPath(options.argv ?? process.argv.slice(2), env), env);
  const logger = createLogger({ service: options.service, level: config.telemetry.log_level });
  const lifecycle = new ServiceLifecycle({ logger, graceMs: options.graceMs ?? 15_000 });
  lifecycle.installSignalHandlers();
  const instanceId = `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    const registry = createMetrics({ service: options.service, instance: instanceId });
    const bus = await connectBus(busOptionsFromConfig(config.nats), { logger, name: options.service });
    lifecycle.onShutdown('nats', () => bus.drain());
    const port = Number(env[METRICS_PORT_ENV] ?? config.telemetry.metrics_port);
    if (port > 0 || env[METRICS_PORT_ENV] === '0') {
      const server = await startTelemetryServer({
        host: config.telemetry.metrics_host,
        port,
        registry,
        readiness: lifecycle.readiness,
        liveness: lifecycle.liveness,
        logger,
      });
      lifecycle.onShutdown('telemetry server', () => server.close());
      logger.info({ url: server.url }, 'telemetry endpoints listening');
    }
    const subjects = createSubjects(config.nats.subject_prefix);
    // Filled in once setup returns; the heartbeat asks it how busy it is from then on.
    const running: { component?: RunningComponent } = {};
    const heartbeat = startServiceHeartbeat({
      nc: bus.nc,
      subjects,
      service: options.service,
      instance: instanceId,
      lifecycle,
      busyRatio: () => running.component?.busyRatio?.(),
    });
    lifecycle.onShutdown('service heartbeat', () => heartbeat.stop());
    const busMetrics = createBusMetrics(registry);
    const component = await options.setup({
      config,
      logger,
      bus,
      subjects,
      registry,
      busMetrics,
      instanceId,
      lifecycle,
    });
    running.component = component;
    lifecycle.onShutdown(options.service, () => component.stop());
    lifecycle.markRunning();
    logger.info({ instance: instanceId }, `${options.service} running`);
  } catch (error) {
    logger.fatal({ err: error }, `${options.service} failed to start`);
    await lifecycle.shutdown('start-up failed', error);
  }
}

async function loadOrExit(path: string, env: NodeJS.ProcessEnv): Promise<ShirikiConfig> {
  try {
    return await loadConfig(path, { env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(formatConfigError(error));
    process.exit(2);
  }
}
