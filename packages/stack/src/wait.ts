import { setTimeout as delay } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.js';

export interface WaitForOptions {
  /** What is awaited, for the timeout message: `nats-server /healthz on port 4222`. */
  what: string;
  /** Give up after this long. Default 10 000 ms. */
  timeoutMs?: number;
  /** Pause between two checks. Default 100 ms. */
  intervalMs?: number;
  /** Stops waiting at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const WAIT_DEFAULTS = { timeoutMs: 10_000, intervalMs: 100 } as const;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => delay(ms);

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Calls `check` until it returns a truthy value, which is returned. A check that throws or returns a falsy
 * value counts as "not yet"; the last such failure is named in the `WaitTimeoutError` thrown at the deadline.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitForOptions): Promise<Truthy<T>> {
  const { what, signal } = options;
  const timeoutMs = options.timeoutMs ?? WAIT_DEFAULTS.timeoutMs;
  const intervalMs = options.intervalMs ?? WAIT_DEFAULTS.intervalMs;
  const deadline = Date.now() + timeoutMs;
  let lastFailure = 'no check completed';
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const result = await check();
      if (result) return result as Truthy<T>;
      lastFailure = `check returned ${String(result)}`;
      lastError = undefined;
    } catch (error) {
      lastFailure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new WaitTimeoutError(
        what,
        timeoutMs,
        lastFailure,
        lastError === undefined ? {} : { cause: lastError },
      );
    }
    // An abort rejects the sleep; rethrow the signal's own reason rather than the generic AbortError.
    await delay(Math.min(intervalMs, remaining), undefined, { signal }).catch(() => signal?.throwIfAborted());
  }
}
