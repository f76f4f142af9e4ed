import { readFileSync } from 'node:fs';

/** The direct children of `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** `pid` and every process under it. */
export function subtree(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(subtree)];
}
