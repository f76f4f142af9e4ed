export interface LogLimiterOptions {
  /** Lines let through per window. */
  maxLines: number;
  /** Window length in milliseconds. */
  windowMs: number;
  now?: () => number;
}

/**
 * A fixed-window limit on log lines, so a camera that makes ffmpeg print a warning per packet cannot flood
 * the logs. Lines over the limit are counted; the count is reported once the window is over.
 */
export class LogLimiter {
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #admitted = 0;
  #suppressed = 0;

  constructor(private readonly options: LogLimiterOptions) {
    this.#now = options.now ?? Date.now;
  }

  /**
   * Whether to log one more line. `suppressed` is the number of lines dropped in the window that just
   * ended (report it before the line), 0 otherwise.
   */
  admit(): { log: boolean; suppressed: number } {
    const now = this.#now();
    let suppressed = 0;
    if (now - this.#windowStart >= this.options.windowMs) {
      suppressed = this.takeSuppressed();
      this.#windowStart = now;
      this.#admitted = 0;
    }
    if (this.#admitted < this.options.maxLines) {
      this.#admitted++;
      return { log: true, suppressed };
    }
    this.#suppressed++;
    return { log: false, suppressed };
  }

  /** Lines dropped and not reported yet; resets the count. Call it when the source ends. */
  takeSuppressed(): number {
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
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
  const limiter = new LogLimiter({ maxLines: 1, windowMs: intervalMs, now });
  return (obj, msg) => {
    const { log: admitted, suppressed } = limiter.admit();
    if (admitted) log(suppressed > 0 ? { ...obj, suppressed } : obj, msg);
  };
}
