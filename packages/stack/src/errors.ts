/** A server binary (nats-server, go2rtc, minio) is neither overridden by its env variable nor installed. */
export class ToolNotFoundError extends Error {
  override readonly name = 'ToolNotFoundError';
  constructor(
    readonly tool: string,
    readonly envVar: string,
    readonly searchedPath: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${tool} not found at ${searchedPath}: run scripts/bootstrap.sh, or set ${envVar} to an executable ${tool}`,
      options,
    );
  }
}

/** The folder holding pnpm-workspace.yaml could not be found above a starting folder. */
export class RepoRootNotFoundError extends Error {
  override readonly name = 'RepoRootNotFoundError';
  constructor(readonly startDir: string) {
    super(`no pnpm-workspace.yaml found in ${startDir} or any folder above it`);
  }
}

/** The test assets directory (media clips, models) does not exist. */
export class AssetsNotFoundError extends Error {
  override readonly name = 'AssetsNotFoundError';
  constructor(
    readonly path: string,
    readonly envVar: string,
    options?: { cause?: unknown },
  ) {
    super(
      `test assets not found at ${path}: set ${envVar} to the assets directory ` +
        `(see the "Assets" section of packages/testing/README.md)`,
      options,
    );
  }
}

/** A `waitFor` condition did not hold in time; `cause` is the last failure, if the check threw. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastFailure: string,
    options?: { cause?: unknown },
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last failure: ${lastFailure}`, options);
  }
}

/** A server exited or never became ready; `logTail` holds the end of its log for the test output. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
  constructor(
    readonly server: string,
    readonly logFile: string,
    readonly logTail: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${server} did not start: ${reason}\n--- last lines of ${logFile} ---\n${logTail}`, options);
  }
}
