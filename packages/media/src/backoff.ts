/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export interface BackoffOptions {
  /** Upper bound of the first delay. */
  initialMs: number;
  /** Upper bound no delay exceeds. */
  maxMs: number;
  /** Uniform random number in [0, 1); injectable for deterministic tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): uniform in [0, min(maxMs, initialMs * 2^attempt)].
 * Full jitter spreads the reconnects of many cameras that lost the same go2rtc at the same moment.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 52));
  return Math.round(random() * ceiling);
}

/** Counts consecutive failures and hands out the next delay. */
export class Backoff {
  #attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failures since the last `reset()`. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next retry; every call counts one more failure. */
  next(): number {
    return backoffDelayMs(this.#attempt++, this.options);
  }

  /** Back to `initialMs`, after the stream has been healthy for a while. */
  reset(): void {
    this.#attempt = 0;
  }
}
