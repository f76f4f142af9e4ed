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
