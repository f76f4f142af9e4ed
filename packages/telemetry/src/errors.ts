import type { LifecycleState } from './lifecycle.js';

/** The telemetry HTTP server could not listen on its address. */
export class TelemetryServerError extends Error {
  override readonly name = 'TelemetryServerError';
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A lifecycle operation was called in a state that does not allow it. */
export class LifecycleStateError extends Error {
  override readonly name = 'LifecycleStateError';
  constructor(
    readonly operation: string,
    readonly state: LifecycleState,
  ) {
    super(`${operation} is not allowed while the service is ${state}`);
  }
}

/** A shutdown step threw or rejected; the remaining steps still run. */
export class ShutdownStepError extends Error {
  override readonly name = 'ShutdownStepError';
  constructor(
    readonly step: string,
    options: { cause: unknown },
  ) {
    super(`shutdown step "${step}" failed`, options);
  }
}

/** Shutdown did not finish within the grace time; `step` is the one still running. */
export class ShutdownTimeoutError extends Error {
  override readonly name = 'ShutdownTimeoutError';
  constructor(
    readonly step: string | undefined,
    readonly graceMs: number,
  ) {
    super(
      step === undefined
        ? `shutdown did not finish within ${graceMs} ms`
        : `shutdown step "${step}" did not finish within the ${graceMs} ms grace time`,
    );
  }
}
