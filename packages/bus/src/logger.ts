/** The part of a pino logger the bus uses; `createLogger` from @shiriki/telemetry satisfies it. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Logs at most once per `intervalMs` and reports how many calls it swallowed in between, so a flood of
 * bad messages costs one log line per interval.
 */
export function rateLimited(
  log: (obj: object, msg?: string) => void,
  intervalMs: number,
  now: () => number = Date.now,
): (obj: object, msg?: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (obj, msg) => {
    const time = now();
    if (time - last < intervalMs) {
      suppressed++;
      return;
    }
    last = time;
    log(suppressed > 0 ? { ...obj, suppressed } : obj, msg);
    suppressed = 0;
  };
}
