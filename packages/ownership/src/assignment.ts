import { createHash } from 'node:crypto';

/**
 * Which worker should own which camera, given every live worker.
 *
 * Rendezvous (highest-random-weight) hashing ranks the workers for each camera, so a worker joining or
 * leaving moves few cameras besides the ones it gains or loses; quotas of floor or ceil(cameras / workers)
 * keep the shares fair (they differ by at most one). Every worker computes the same plan from the same view,
 * so no coordinator is needed: the KV leases settle any disagreement while views differ.
 */
export function planAssignment(cameras: readonly string[], workers: readonly string[]): Map<string, string> {
  const plan = new Map<string, string>();
  if (workers.length === 0) return plan;
  const unique = [...new Set(cameras)].sort();
  const floor = Math.floor(unique.length / workers.length);
  // Exactly `unique.length % workers.length` workers may hold one camera more than the others.
  let largerSharesLeft = unique.length % workers.length;
  const load = new Map<string, number>(workers.map((worker) => [worker, 0]));
  const hasRoom = (worker: string): boolean => {
    const held = load.get(worker) ?? 0;
    return held < floor || (held === floor && largerSharesLeft > 0);
  };
  for (const camera of unique) {
    const preferences = [...workers].sort(
      (a, b) => weight(camera, b) - weight(camera, a) || (a < b ? -1 : 1),
    );
    const owner = preferences.find(hasRoom);
    if (owner === undefined) continue;
    const held = load.get(owner) ?? 0;
    if (held === floor) largerSharesLeft -= 1;
    load.set(owner, held + 1);
    plan.set(camera, owner);
  }
  return plan;
}

function weight(camera: string, worker: string): number {
  return createHash('sha1').update(camera).update('\0').update(worker).digest().readUInt32BE(0);
}
