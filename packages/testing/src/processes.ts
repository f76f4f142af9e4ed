import { execFileSync } from 'node:child_process';

export interface ProcessLine {
  pid: number;
  /** The command line, as `ps` prints it. */
  args: string;
}

/**
 * Running processes whose command line mentions any of `needles` (a config path, a data directory): how a
 * test finds what a stack it started runs, and checks nothing of it is left. The `ps` itself is left out.
 */
export function processesMentioning(...needles: string[]): ProcessLine[] {
  const lines = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').slice(1);
  const found: ProcessLine[] = [];
  for (const line of lines) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!match || match[2]!.startsWith('ps ')) continue;
    if (needles.some((needle) => match[2]!.includes(needle)))
      found.push({ pid: Number(match[1]), args: match[2]! });
  }
  return found;
}
