import { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { spawnChild, type ChildExit, type ManagedChild } from '@shiriki/process';

/** One process the supervisor keeps running. */
export interface ProcessSpec {
  /** Short name, unique in the supervisor: `nats`, `go2rtc`, `ingest`... */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /**
   * Resolves once the process serves (its health endpoint answers); rejects when it will not. Called after
   * every (re)start. Default: ready once spawned.
   */
  ready?: (signal: AbortSignal) => Promise<void>;
  /** How long SIGTERM may take (the service's drain) before SIGKILL. Default 15 000 ms. */
  stopGraceMs?: number;
}

export interface SupervisorOptions {
  /** First delay before restarting a process that exited on its own; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that ran this long counts as healthy again: its next crash restarts after the first delay. */
  healthyAfterMs?: number;
}

export const SUPERVISOR_DEFAULTS = {
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  healthyAfterMs: 30_000,
  stopGraceMs: 15_000,
} as const;

export interface SupervisorEvents {
  /** A process exited without being asked to; it restarts after `restartInMs`. */
  crashed: [{ name: string; exit: ChildExit; restartInMs: number; restarts: number }];
  /** A process answered its readiness check (after its first start or a restart). */
  ready: [{ name: string; pid: number; restarts: number }];
}

interface Supervised {
  spec: ProcessSpec;
  child: ManagedChild | undefined;
  log: WriteStream;
  restarts: number;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  startedAt: number;
  stopping: boolean;
  readiness: AbortController | undefined;
}

/**
 * Keeps a set of child processes running, each dying with this process: a process that exits on its own is
 * restarted with exponential backoff and reported; `stop` ends them in the order given (a service drains on
 * SIGTERM), escalating to SIGKILL after the process's grace time.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #processes = new Map<string, Supervised>();
  readonly #o: Required<SupervisorOptions>;

  constructor(options: SupervisorOptions = {}) {
    super();
    this.#o = {
      initialBackoffMs: options.initialBackoffMs ?? SUPERVISOR_DEFAULTS.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs ?? SUPERVISOR_DEFAULTS.maxBackoffMs,
      healthyAfterMs: options.healthyAfterMs ?? SUPERVISOR_DEFAULTS.healthyAfterMs,
    };
  }

  /** Starts `spec` and resolves once it is ready; a failed first start rejects and leaves nothing behind. */
  async start(spec: ProcessSpec): Promise<void> {
    if (this.#processes.has(spec.name)) throw new Error(`${spec.name} is already supervised`);
    const entry: Supervised = {
      spec,
      child: undefined,
      log: createWriteStream(spec.logFile, { flags: 'a' }),
      restarts: 0,
      backoffMs: this.#o.initialBackoffMs,
      timer: undefined,
      startedAt: 0,
      stopping: false,
      readiness: undefined,
    };
    this.#processes.set(spec.name, entry);
    try {
      await this.#launch(entry);
    } catch (error) {
      await this.#stopOne(entry);
      this.#processes.delete(spec.name);
      throw error;
    }
  }

  /** Process id of `name` right now, if it runs. */
  pid(name: string): number | undefined {
    return this.#processes.get(name)?.child?.pid;
  }

  /** Stops the named processes one after another, in that order, then any others still supervised. */
  async stop(order: readonly string[] = []): Promise<void> {
    const names = [...order.filter((name) => this.#processes.has(name))];
    for (const name of this.#processes.keys()) if (!names.includes(name)) names.push(name);
    for (const name of names) {
      const entry = this.#processes.get(name);
      if (entry) await this.#stopOne(entry);
      this.#processes.delete(name);
    }
  }

  async #launch(entry: Supervised): Promise<void> {
    const { spec } = entry;
    const child = await spawnChild(spec.command, spec.args, {
      name: spec.name,
      env: spec.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Ctrl-C reaches `up` alone, which stops the services before go2rtc and NATS.
      ownProcessGroup: true,
    });
    entry.child = child;
    entry.startedAt = Date.now();
    child.process.stdout?.pipe(entry.log, { end: false });
    child.process.stderr?.pipe(entry.log, { end: false });
    void child.exited.then((exit) => this.#exited(entry, child, exit));
    entry.readiness = new AbortController();
    const exitedEarly = child.exited.then((exit) => {
      throw new Error(
        `${spec.name} exited before it was ready (code ${exit.code}, signal ${exit.signal}); see ${spec.logFile}`,
      );
    });
    exitedEarly.catch(() => undefined);
    await Promise.race([spec.ready?.(entry.readiness.signal) ?? Promise.resolve(), exitedEarly]);
    this.emit('ready', { name: spec.name, pid: child.pid, restarts: entry.restarts });
  }

  #exited(entry: Supervised, child: ManagedChild, exit: ChildExit): void {
    if (entry.child !== child) return;
    entry.readiness?.abort();
    entry.child = undefined;
    if (entry.stopping) return;
    if (Date.now() - entry.startedAt >= this.#o.healthyAfterMs) entry.backoffMs = this.#o.initialBackoffMs;
    const delay = entry.backoffMs;
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.#o.maxBackoffMs);
    entry.restarts += 1;
    this.emit('crashed', { name: entry.spec.name, exit, restartInMs: delay, restarts: entry.restarts });
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.stopping) return;
      this.#launch(entry).catch(() => {
        // The exit handler of that attempt has scheduled the next one.
      });
    }, delay);
  }

  async #stopOne(entry: Supervised): Promise<void> {
    entry.stopping = true;
    clearTimeout(entry.timer);
    entry.readiness?.abort();
    const child = entry.child;
    if (child) {
      await child.stop({ termGraceMs: entry.spec.stopGraceMs ?? SUPERVISOR_DEFAULTS.stopGraceMs });
    }
    await new Promise<void>((resolve) => entry.log.end(resolve));
  }
}
