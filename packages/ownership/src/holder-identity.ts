import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Where a lease holder runs. A worker that finds a lease held by a process of its own host and PID
 * namespace that no longer exists may take it at once instead of waiting out the TTL: a service restarted
 * in place (by `shiriki up`, systemd, a container restart) gets its cameras back in a second.
 */
export interface HolderIdentity {
  host: string;
  /** The PID namespace (`/proc/self/ns/pid`); pids compare only within one. Undefined off Linux. */
  pidns: string | undefined;
  pid: number;
}

export function selfIdentity(): HolderIdentity {
  let pidns: string | undefined;
  try {
    pidns = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidns = undefined;
  }
  return { host: hostname(), pidns, pid: process.pid };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True only when `holder` (a lease or worker value) names this host and PID namespace and a pid that is gone.
 * Anything else (another host, another namespace, no identity, a reused pid) counts as alive: the TTL decides.
 */
export function provablyDead(
  holder: unknown,
  self: HolderIdentity,
  alive: (pid: number) => boolean,
): boolean {
  if (typeof holder !== 'object' || holder === null) return false;
  const { host, pidns, pid } = holder as Partial<Record<keyof HolderIdentity, unknown>>;
  return (
    host === self.host &&
    self.pidns !== undefined &&
    pidns === self.pidns &&
    typeof pid === 'number' &&
    Number.isInteger(pid) &&
    pid !== self.pid &&
    !alive(pid)
  );
}
