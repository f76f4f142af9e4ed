import { closeSync, openSync, readFileSync } from 'node:fs';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import { ServerStartError } from './errors.js';
import { track, untrack } from './registry.js';
import { removeTempDir } from './temp.js';
import { waitFor } from './wait.js';

export type ServerState = 'stopped' | 'starting' | 'running';

export interface ServerProcessSpec {
  /** For errors: `nats-server[:4222]`. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here, across restarts. */
  logFile: string;
  /** Resolves truthy (or throws, naming why not) once the server serves. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** Grace after SIGTERM before SIGKILL. */
  termGraceMs: number;
}

const LOG_TAIL_LINES = 40;

/**
 * One server binary: started with `spawnChild` (it dies with this process, even on SIGKILL), output to a log
 * file, considered started only once its ready-check passes; a server that exits first fails at once.
 */
export class ServerProcess {
  #child: ManagedChild | undefined;
  #starting: Promise<void> | undefined;

  constructor(private readonly spec: ServerProcessSpec) {}

  get state(): ServerState {
    if (this.#starting) return 'starting';
    return this.#child && isRunning(this.#child) ? 'running' : 'stopped';
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the server unless it runs already; resolves once it is ready. */
  async start(): Promise<void> {
    if (this.#starting) return this.#starting;
    if (this.#child && isRunning(this.#child)) return;
    this.#starting = this.#spawnAndAwaitReady();
    try {
      await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  async #spawnAndAwaitReady(): Promise<void> {
    const { name, command, args, env, logFile, isReady, readyTimeoutMs } = this.spec;
    const log = openSync(logFile, 'a');
    let child: ManagedChild;
    try {
      child = await spawnChild(command, args, { name, env, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log); // the child holds its own copy
    }
    this.#child = child;
    const exitedEarly = new AbortController();
    void child.exited.then(({ code, signal }) =>
      exitedEarly.abort(new Error(`exited with code ${code} signal ${signal}`)),
    );
    try {
      await waitFor(isReady, {
        what: `${name} to become ready`,
        timeoutMs: readyTimeoutMs,
        signal: exitedEarly.signal,
      });
    } catch (error) {
      await this.stop();
      const reason = error instanceof Error ? error.message : String(error);
      throw new ServerStartError(name, logFile, this.logTail(), reason, { cause: error });
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child) await child.stop({ termGraceMs: this.spec.termGraceMs });
  }

  /** The last lines of the log file, for a failing test to print. */
  logTail(lines = LOG_TAIL_LINES): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

function isRunning(child: ManagedChild): boolean {
  return child.process.exitCode === null && child.process.signalCode === null;
}

/** What every server handle of this package (nats-server, go2rtc, MinIO) offers besides its addresses. */
export interface ServerHandle {
  readonly state: ServerState;
  readonly pid: number | undefined;
  /** Starts the server again after `stop()`, on the same ports and data (for outage tests). */
  start(): Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL); ports and data stay reserved for `start()`. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the process and removes the temp dir unless `keepData`. Idempotent. */
  dispose(): Promise<void>;
  /** The end of the log, for a failing test to print. */
  logTail(lines?: number): string;
}

/**
 * `fields` (a server's addresses and paths) with the lifecycle of `proc`, tracked for `stopAll()` until
 * disposed. The server is not started: see `startOrDispose`.
 */
export function serverHandle<F extends object>(
  proc: ServerProcess,
  fields: F,
  { tempDir, keepData }: { tempDir: string; keepData: boolean },
): F & ServerHandle {
  let disposed = false;
  const lifecycle: ServerHandle = {
    get state() {
      return proc.state;
    },
    get pid() {
      return proc.pid;
    },
    start: () => proc.start(),
    stop: () => proc.stop(),
    restart: async () => {
      await proc.stop();
      await proc.start();
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      untrack(server);
      await proc.stop();
      if (!keepData) await removeTempDir(tempDir);
    },
    logTail: (lines) => proc.logTail(lines),
  };
  const server = Object.assign(lifecycle, fields);
  track(server);
  return server;
}

/** Starts `server` and returns it; a server that does not start is disposed before the error is rethrown. */
export async function startOrDispose<S extends ServerHandle>(server: S): Promise<S> {
  try {
    await server.start();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}
