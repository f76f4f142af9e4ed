import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

/** CPU seconds (user + system) used so far by `pid` and every live descendant, from Linux's /proc. */
export function processTreeCpuSeconds(pid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces and parentheses: state, ppid, ..., utime, stime.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  let ticks = 0;
  const queue = [pid];
  for (let current = queue.pop(); current !== undefined; current = queue.pop()) {
    ticks += stats.get(current)?.ticks ?? 0;
    for (const [child, { ppid }] of stats) if (ppid === current) queue.push(child);
  }
  return ticks / CLK_TCK;
}
