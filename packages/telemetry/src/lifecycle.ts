import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { LifecycleStateError, ShutdownStepError, ShutdownTimeoutError } from './errors.js';
import type { ProbeResult } from './server.js';

export type LifecycleState = 'starting' | 'running' | 'draining' | 'stopped';
export type ShutdownStep = () => unknown;

export interface ServiceLifecycleOptions {
  logger: Logger;
  /** Longest time all shutdown steps together may take before the process exits with code 1. */
  graceMs?: number;
  /** Ends the process; tests inject a recorder. Default `process.exit`. */
  exit?: (code: number) => void;
}

const DEFAULTS = { graceMs: 10_000, exit: (code: number): void => process.exit(code) };
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Which step is running, and whether the grace time ran out so no further step may start. */
interface StepProgress {
  current: string | undefined;
  abandoned: boolean;
}

interface LifecycleEvents {
  /** The new state and the one before it. */
  state: [state: LifecycleState, previous: LifecycleState];
}

/**
 * The life of a long-running service: `starting` until `markRunning()`, `running` until the first
 * shutdown request, `draining` while the shutdown steps run, then `stopped`, and the process exits.
 * Shutdown steps run one at a time in reverse registration order, like `defer`: what was opened last
 * closes first.
 */
export class ServiceLifecycle extends EventEmitter<LifecycleEvents> {
  #state: LifecycleState = 'starting';
  readonly #steps: { name: string; run: ShutdownStep }[] = [];
  readonly #logger: Logger;
  readonly #graceMs: number;
  readonly #exit: (code: number) => void;
  readonly #createdAt = performance.now();
  #shutdown: Promise<number> | undefined;
  #removeSignalHandlers: (() => void) | undefined;

  constructor(options: ServiceLifecycleOptions) {
    super();
    this.#logger = options.logger.child({ component: 'lifecycle' });
    this.#graceMs = options.graceMs ?? DEFAULTS.graceMs;
    this.#exit = options.exit ?? DEFAULTS.exit;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** For `/readyz`: ready only while running. */
  readonly readiness = (): ProbeResult =>
    this.#state === 'running' ? true : { ok: false, reason: `service is ${this.#state}` };

  /** For `/healthz`: alive until stopped. */
  readonly liveness = (): ProbeResult => this.#state !== 'stopped';

  /** Startup is complete. A no-op when shutdown began during startup; calling it twice is a bug and throws. */
  markRunning(): void {
    if (this.#state !== 'starting') {
      if (this.#state === 'running') throw new LifecycleStateError('markRunning', this.#state);
      return;
    }
    this.#setState('running');
    this.#logger.info({ startupMs: elapsedMs(this.#createdAt) }, 'service running');
  }

  /**
   * Registers a drain step; steps run in reverse registration order. Returns a function that removes the
   * step again (for a resource closed before shutdown).
   */
  onShutdown(name: string, run: ShutdownStep): () => void {
    if (this.#shutdown !== undefined) throw new LifecycleStateError(`onShutdown("${name}")`, this.#state);
    const step = { name, run };
    this.#steps.push(step);
    return () => {
      const index = this.#steps.indexOf(step);
      if (index !== -1) this.#steps.splice(index, 1);
    };
  }

  /**
   * SIGTERM or SIGINT starts `shutdown`; a second signal exits at once with 128 + the signal number.
   * Returns a function that removes the handlers; installing twice returns the same function.
   */
  installSignalHandlers(): () => void {
    if (this.#removeSignalHandlers !== undefined) return this.#removeSignalHandlers;
    const handler = (signal: NodeJS.Signals): void => {
      if (this.#shutdown === undefined) {
        void this.shutdown(signal);
        return;
      }
      this.#logger.warn({ signal }, 'second signal, exiting without waiting for shutdown steps');
      this.#exit(128 + constants.signals[signal]);
    };
    for (const signal of SIGNALS) process.on(signal, handler);
    this.#removeSignalHandlers = () => {
      for (const signal of SIGNALS) process.off(signal, handler);
      this.#removeSignalHandlers = undefined;
    };
    return this.#removeSignalHandlers;
  }

  /**
   * Runs every shutdown step, each isolated from the others' failures, within the grace time, then exits:
   * 0 when every step succeeded and no `error` was given, 1 otherwise. Resolves with the exit code passed
   * to `exit`; calling it again returns the same promise.
   */
  shutdown(reason: string, error?: unknown): Promise<number> {
    this.#shutdown ??= this.#drain(reason, error);
    return this.#shutdown;
  }

  async #drain(reason: string, error: unknown): Promise<number> {
    const startedAt = performance.now();
    this.#setState('draining');
    if (error === undefined) this.#logger.info({ reason }, 'shutting down');
    else this.#logger.error({ reason, err: error }, 'shutting down after a failure');

    const progress: StepProgress = { current: undefined, abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#graceMs);
    });
    const outcome = await Promise.race([this.#runSteps(progress), timedOut]);
    clearTimeout(timer);
    progress.abandoned = true;

    let code: number;
    if (outcome === 'timeout') {
      const err = new ShutdownTimeoutError(progress.current, this.#graceMs);
      this.#logger.error({ err, step: progress.current }, 'shutdown timed out');
      code = 1;
    } else {
      code = outcome.failed || error !== undefined ? 1 : 0;
      this.#logger.info({ durationMs: elapsedMs(startedAt), exitCode: code }, 'shutdown complete');
    }
    this.#setState('stopped');
    this.#exit(code);
    return code;
  }

  async #runSteps(progress: StepProgress): Promise<{ failed: boolean }> {
    let failed = false;
    for (const step of this.#steps.toReversed()) {
      if (progress.abandoned) break;
      progress.current = step.name;
      const startedAt = performance.now();
      try {
        await step.run();
        this.#logger.info({ step: step.name, durationMs: elapsedMs(startedAt) }, 'shutdown step done');
      } catch (cause) {
        failed = true;
        const err = new ShutdownStepError(step.name, { cause });
        this.#logger.error(
          { err, step: step.name, durationMs: elapsedMs(startedAt) },
          'shutdown step failed',
        );
      }
    }
    progress.current = undefined;
    return { failed };
  }

  #setState(state: LifecycleState): void {
    const previous = this.#state;
    if (state === previous) return;
    this.#state = state;
    this.emit('state', state, previous);
  }
}

function elapsedMs(since: number): number {
  return Math.round(performance.now() - since);
}
