/** A child process could not be started, or ended in a way its owner did not ask for. */
export class ChildProcessError extends Error {
  override readonly name = 'ChildProcessError';
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A required executable was not found; the message says how to get it. */
export class ExecutableNotFoundError extends Error {
  override readonly name = 'ExecutableNotFoundError';
  constructor(
    readonly executable: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${executable} not found. ${hint}`, options);
  }
}
