/** A decoder option is out of range; the message names the option and the accepted values. */
export class DecoderOptionsError extends Error {
  override readonly name = 'DecoderOptionsError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expectation: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid decoder option ${option}=${String(value)}: ${expectation}`, options);
  }
}

/** ffmpeg ended while the decoder was supposed to be running. */
export class FfmpegExitedError extends Error {
  override readonly name = 'FfmpegExitedError';
  constructor(
    /** Short cause parsed from stderr (`Connection refused`), or a description of the exit. */
    readonly reason: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    options?: { cause?: unknown },
  ) {
    super(`ffmpeg exited (code ${String(exitCode)}, signal ${String(signal)}): ${reason}`, options);
  }
}

/** ffmpeg produced no frame for longer than the stall timeout. */
export class StreamStalledError extends Error {
  override readonly name = 'StreamStalledError';
  constructor(
    readonly stalledForMs: number,
    options?: { cause?: unknown },
  ) {
    super(`no frame for ${stalledForMs} ms`, options);
  }
}

/** The unix socket for ffmpeg's stdout could not be set up. */
export class StdoutSocketError extends Error {
  override readonly name = 'StdoutSocketError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`stdout socket: ${message}`, options);
  }
}
