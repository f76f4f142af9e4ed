import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { ChildProcessError } from './errors.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnChildOptions {
  /** Short name for errors and logs, e.g. `ffmpeg[front-door]`. Defaults to the command. */
  name?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdin, stdout, stderr; defaults to `['pipe', 'pipe', 'pipe']`. */
  stdio?: SpawnOptions['stdio'];
  /**
   * Runs the child in a process group of its own, so a Ctrl-C at the terminal reaches only this process,
   * which then stops its children in its own order. It still dies with this process. Default false.
   */
  ownProcessGroup?: boolean;
}

export interface StopOptions {
  /** Written to stdin first (ffmpeg quits cleanly on `q`); skipped when stdin is not a pipe. */
  quitInput?: string;
  /** How long to wait after `quitInput` before SIGTERM. Default 2000 ms. */
  quitGraceMs?: number;
  /** How long to wait after SIGTERM before SIGKILL. Default 3000 ms. */
  termGraceMs?: number;
}

/** A child process that dies with its parent and stops in escalating steps. */
export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves once the child has exited, however it ended. */
  readonly exited: Promise<ChildExit>;
  /** `quitInput`, then SIGTERM, then SIGKILL; resolves when the child is gone. */
  stop(options?: StopOptions): Promise<ChildExit>;
}

const SETPRIV = '/usr/bin/setpriv';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns a child that never outlives this process: on Linux it runs under `setpriv --pdeathsig SIGKILL`,
 * so the kernel kills it even if this process is killed with SIGKILL; on a normal exit every live child is
 * killed synchronously as well.
 */
export async function spawnChild(
  command: string,
  args: readonly string[],
  options: SpawnChildOptions = {},
): Promise<ManagedChild> {
  installExitHook();
  const name = options.name ?? command;
  const usePdeathsig = process.platform === 'linux' && existsSync(SETPRIV);
  const [file, argv] = usePdeathsig
    ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  live.add(child);
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  try {
    await once(child, 'spawn');
  } catch (cause) {
    live.delete(child);
    throw new ChildProcessError(`could not start ${name}`, command, null, null, { cause });
  }
  // A closed stdin (the child exited) must not become an unhandled 'error' event.
  child.stdin?.on('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new ChildProcessError(`${name} has no pid`, command, null, null);
  return {
    name,
    process: child,
    pid,
    exited,
    stop: (stopOptions) => stopChild(child, exited, stopOptions),
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ChildExit>,
  options: StopOptions = {},
): Promise<ChildExit> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  const { quitInput, quitGraceMs = 2000, termGraceMs = 3000 } = options;
  if (quitInput !== undefined && child.stdin && child.stdin.writable) {
    child.stdin.write(quitInput);
    if (await exitsWithin(exited, quitGraceMs)) return exited;
  }
  child.kill('SIGTERM');
  if (await exitsWithin(exited, termGraceMs)) return exited;
  child.kill('SIGKILL');
  return exited;
}

async function exitsWithin(exited: Promise<ChildExit>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([exited.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Number of children spawned through this module that are still running. */
export function liveChildCount(): number {
  return live.size;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
