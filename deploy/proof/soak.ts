// Memory and file descriptors of each service sampled over a long run: a leak shows as a rising trend.
import { readdirSync, readFileSync } from 'node:fs';
import { subtree } from './process-tree.js';

export interface SoakSample {
  /** Seconds since the soak began. */
  atS: number;
  /** Resident memory of the service and its children (ffmpeg), MiB. */
  rssMiB: number;
  /** Open file descriptors of the service process. */
  fds: number;
}

export interface SoakTrend {
  service: string;
  samples: SoakSample[];
  /** Least-squares slope over the run after warm-up, per hour. */
  rssMiBPerHour: number;
  fdsPerHour: number;
  /** Mean of the last third over mean of the middle third. */
  rssLastOverMiddle: number;
  fdsLastOverMiddle: number;
}

function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function subtreeRssKiB(pid: number): number {
  return subtree(pid).reduce((sum, member) => sum + rssKiB(member), 0);
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

export function sample(pid: number, atS: number): SoakSample {
  return { atS, rssMiB: subtreeRssKiB(pid) / 1024, fds: fdCount(pid) };
}

function slopePerHour(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

function thirdsRatio(values: number[]): number {
  const third = Math.floor(values.length / 3);
  if (third === 0) return 1;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return mean(values.slice(-third)) / mean(values.slice(third, 2 * third));
}

/** The trend of one service's samples, leaving out the first `warmupS` seconds. */
export function trend(service: string, samples: SoakSample[], warmupS: number): SoakTrend {
  const settled = samples.filter((s) => s.atS >= warmupS);
  return {
    service,
    samples,
    rssMiBPerHour: slopePerHour(settled.map((s) => [s.atS, s.rssMiB])),
    fdsPerHour: slopePerHour(settled.map((s) => [s.atS, s.fds])),
    rssLastOverMiddle: thirdsRatio(settled.map((s) => s.rssMiB)),
    fdsLastOverMiddle: thirdsRatio(settled.map((s) => s.fds)),
  };
}

/**
 * Growth that a leak would show: the last third of the run holds 10 % more memory than the middle third
 * and the slope agrees, or file descriptors keep rising.
 */
export function grows(t: SoakTrend): boolean {
  return (
    (t.rssLastOverMiddle > 1.1 && t.rssMiBPerHour > 0) || (t.fdsLastOverMiddle > 1.1 && t.fdsPerHour > 0)
  );
}
