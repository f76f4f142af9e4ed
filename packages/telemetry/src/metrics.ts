import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Service name, set as the `service` label on every series of the registry. */
  service: string;
  /**
   * Optional `instance` label (for example a camera worker's shard). Prometheus sets `instance` to the
   * scrape target itself, so only set this when one process serves several logical instances.
   */
  instance?: string;
}

/**
 * A registry with Node's default metrics (process CPU and memory, event loop lag, GC, handles) and the
 * service's default labels. Register the service's own metrics on it with prom-client's classes:
 * `new Counter({ name, help, registers: [registry] })`.
 */
export function createMetrics(options: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(
    options.instance === undefined
      ? { service: options.service }
      : { service: options.service, instance: options.instance },
  );
  collectDefaultMetrics({ register: registry });
  return registry;
}
