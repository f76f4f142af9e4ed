import { Counter, type Registry } from 'prom-client';

/** A counter with labels; a prom-client Counter or an in-memory {@link MemoryCounter}. */
export interface LabeledCounter<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}

export type InvalidMessageLabels = 'subject_kind' | 'reason';
export type HandlerErrorLabels = 'subject_kind';

export interface BusMetrics {
  /** `shiriki_bus_invalid_messages_total{subject_kind, reason}`: messages dropped because they did not decode. */
  invalidMessages: LabeledCounter<InvalidMessageLabels>;
  /** `shiriki_bus_handler_errors_total{subject_kind}`: handlers that threw or rejected. */
  handlerErrors: LabeledCounter<HandlerErrorLabels>;
}

export const INVALID_MESSAGES_METRIC = 'shiriki_bus_invalid_messages_total';
export const HANDLER_ERRORS_METRIC = 'shiriki_bus_handler_errors_total';

/** In-memory counter for processes without a metrics registry, and for tests. */
export class MemoryCounter<L extends string> implements LabeledCounter<L> {
  readonly #values = new Map<string, number>();

  inc(labels: Record<L, string>, value = 1): void {
    const key = labelKey(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + value);
  }

  /** The count for exactly these labels. */
  get(labels: Record<L, string>): number {
    return this.#values.get(labelKey(labels)) ?? 0;
  }

  /** The sum over all label combinations. */
  total(): number {
    let sum = 0;
    for (const value of this.#values.values()) sum += value;
    return sum;
  }
}

/** Bus metrics kept in memory, readable with `get` and `total`. */
export interface MemoryBusMetrics extends BusMetrics {
  invalidMessages: MemoryCounter<InvalidMessageLabels>;
  handlerErrors: MemoryCounter<HandlerErrorLabels>;
}

/**
 * Bus counters registered on `registry` (reusing ones another subscriber already registered there), or
 * in-memory counters when no registry is given.
 */
export function createBusMetrics(): MemoryBusMetrics;
export function createBusMetrics(registry: Registry | undefined): BusMetrics;
export function createBusMetrics(registry?: Registry): BusMetrics {
  if (!registry) return { invalidMessages: new MemoryCounter(), handlerErrors: new MemoryCounter() };
  return {
    invalidMessages: counterOn(
      registry,
      INVALID_MESSAGES_METRIC,
      'Bus messages dropped because they did not decode',
      ['subject_kind', 'reason'],
    ),
    handlerErrors: counterOn(registry, HANDLER_ERRORS_METRIC, 'Bus message handlers that threw', [
      'subject_kind',
    ]),
  };
}

function counterOn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}
