/** A JPEG of one frame as the detector published it. */
export interface CachedSnapshot {
  sequence: number;
  captureTime: number;
  width: number;
  height: number;
  jpeg: Uint8Array;
}

export const SNAPSHOT_CACHE_DEFAULTS = {
  /** JPEGs kept at most per camera (about 50 kB each at 640x360). */
  maxEntries: 48,
} as const;

/**
 * Recent frame JPEGs of one camera by sequence. Snapshots and detections travel separately, so a JPEG may
 * arrive before or after its frame is tracked; {@link prune} keeps what may still be needed (frames not
 * tracked yet and best snapshots of open objects) and the size stays bounded whatever happens.
 */
export class SnapshotCache {
  private readonly entries = new Map<number, CachedSnapshot>();

  constructor(private readonly maxEntries: number = SNAPSHOT_CACHE_DEFAULTS.maxEntries) {}

  get size(): number {
    return this.entries.size;
  }

  add(snapshot: CachedSnapshot, retained: ReadonlySet<number>): void {
    this.entries.set(snapshot.sequence, snapshot);
    if (this.entries.size <= this.maxEntries) return;
    // Over the cap: drop the oldest unneeded JPEG, or the oldest of all if every one is needed.
    const sorted = [...this.entries.keys()].sort((a, b) => a - b);
    const victim = sorted.find((seq) => !retained.has(seq)) ?? sorted[0];
    if (victim !== undefined) this.entries.delete(victim);
  }

  get(sequence: number): CachedSnapshot | undefined {
    return this.entries.get(sequence);
  }

  /** Drops JPEGs of frames already tracked (sequence <= `trackedUpTo`) that no object references. */
  prune(retained: ReadonlySet<number>, trackedUpTo: number): void {
    for (const sequence of this.entries.keys()) {
      if (sequence <= trackedUpTo && !retained.has(sequence)) this.entries.delete(sequence);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
