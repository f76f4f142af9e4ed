import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@shiriki/telemetry';
import { liveFootageUntil, type LiveSegment } from './live-segment.js';
import { IN_PROGRESS_PREFIX, parseSegmentFileName, segmentFileName, type Segment } from './segment-file.js';

export interface SegmentRingOptions {
  /** `record.ring_dir/<camera>`. */
  dir: string;
  /** `record.ring.max_seconds`: footage older than this (behind the newest segment) is deleted. */
  maxSeconds: number;
  /** `record.ring.max_bytes`. */
  maxBytes: number;
  logger: Logger;
  /** Called after segments were added or deleted (metrics). */
  onChange?: (ring: SegmentRing) => void;
  /** How often a wait for footage looks at the live segment's last write. Default 200 ms. */
  livePollMs?: number;
}

/**
 * The recent segments of one camera on local disk, oldest first. Segment files carry their wall-clock
 * start and end in their names, so the ring survives a restart of the process. Segments a clip is being cut
 * from are pinned and deleted only once released, so the ring may briefly exceed its limits by one clip.
 */
export class SegmentRing {
  readonly #segments: Segment[] = [];
  readonly #pins = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  #bytes = 0;
  #live: LiveSegment | undefined;

  constructor(private readonly options: SegmentRingOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  /** Creates the directory, loads the segments a previous run left and removes unfinished ones. */
  async open(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    for (const file of await readdir(this.options.dir)) {
      const path = join(this.options.dir, file);
      if (file.startsWith(IN_PROGRESS_PREFIX)) {
        await rm(path, { force: true });
        continue;
      }
      const times = parseSegmentFileName(file);
      if (!times) continue;
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      this.#segments.push({ file, path, ...times, bytes: info.size });
      this.#bytes += info.size;
    }
    this.#segments.sort((a, b) => a.startMs - b.startMs);
    await this.enforce();
  }

  /** Moves a finished segment into the ring under its wall-clock name and applies the limits. */
  async add(tempPath: string, startMs: number, endMs: number): Promise<Segment> {
    const file = segmentFileName(startMs, endMs);
    const path = join(this.options.dir, file);
    await rename(tempPath, path);
    const bytes = (await stat(path)).size;
    const segment: Segment = { file, path, startMs: Math.round(startMs), endMs: Math.round(endMs), bytes };
    let index = this.#segments.length;
    while (index > 0 && (this.#segments[index - 1]?.startMs ?? 0) > segment.startMs) index--;
    this.#segments.splice(index, 0, segment);
    this.#bytes += bytes;
    await this.enforce();
    for (const wake of [...this.#waiters]) wake();
    return segment;
  }

  /**
   * Takes a segment out of the ring and deletes it (ffmpeg could not finish writing it); a clip that pinned
   * it keeps reading its file until it lets go.
   */
  async remove(file: string): Promise<void> {
    const index = this.#segments.findIndex((s) => s.file === file);
    if (index < 0) return;
    const [segment] = this.#segments.splice(index, 1);
    this.#bytes -= segment!.bytes;
    if (!this.#pins.has(file)) await rm(segment!.path, { force: true });
    this.options.onChange?.(this);
  }

  /** The segment ffmpeg is writing, once its start is known (after the first finished segment of a run). */
  get live(): LiveSegment | undefined {
    return this.#live;
  }

  setLive(live: LiveSegment | undefined): void {
    this.#live = live;
    for (const wake of [...this.#waiters]) wake();
  }

  segments(): readonly Segment[] {
    return this.#segments;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Seconds from the oldest segment's start to the newest one's end. */
  get seconds(): number {
    const first = this.#segments[0];
    const last = this.#segments.at(-1);
    return first && last ? (last.endMs - first.startMs) / 1000 : 0;
  }

  /** End of the newest finished segment, or undefined when the ring is empty. */
  get newestEndMs(): number | undefined {
    return this.#segments.at(-1)?.endMs;
  }

  /** Segments overlapping `[fromMs, toMs)`, oldest first. */
  covering(fromMs: number, toMs: number): Segment[] {
    return this.#segments.filter((s) => s.endMs > fromMs && s.startMs < toMs);
  }

  /** Keeps `segments` on disk until the returned function is called. */
  pin(segments: readonly Segment[]): () => void {
    for (const s of segments) this.#pins.set(s.file, (this.#pins.get(s.file) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const s of segments) {
        const count = (this.#pins.get(s.file) ?? 1) - 1;
        if (count <= 0) this.#pins.delete(s.file);
        else this.#pins.set(s.file, count);
      }
      void this.enforce();
    };
  }

  /**
   * Resolves once the ring holds footage up to `timeMs`: a finished segment ending at or after it, or the
   * live segment written past it. Resolves `false` after `timeoutMs` or when `signal` aborts.
   */
  async waitFor(timeMs: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (await this.#holds(timeMs)) return true;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const pollMs = this.options.livePollMs ?? 200;
    while (!signal?.aborted && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        // Finished segments wake the wait at once; the live one only grows, so it is looked at in turns.
        const timer = setTimeout(done, Math.min(this.#live ? pollMs : Infinity, deadline - Date.now()));
        this.#waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
      if (signal?.aborted) return false;
      if (await this.#holds(timeMs)) return true;
    }
    return false;
  }

  async #holds(timeMs: number): Promise<boolean> {
    if ((this.newestEndMs ?? Number.NEGATIVE_INFINITY) >= timeMs) return true;
    const live = this.#live;
    if (!live || live.startMs > timeMs) return false;
    return ((await liveFootageUntil(live)) ?? Number.NEGATIVE_INFINITY) >= timeMs;
  }

  /** Deletes the oldest unpinned segments beyond `maxSeconds` of footage or `maxBytes`. */
  async enforce(): Promise<void> {
    const { maxSeconds, maxBytes, logger } = this.options;
    const newest = this.newestEndMs ?? 0;
    for (;;) {
      const oldest = this.#segments[0];
      if (!oldest) break;
      const tooOld = newest - oldest.endMs > maxSeconds * 1000;
      const tooBig = this.#bytes > maxBytes;
      if (!tooOld && !tooBig) break;
      if (this.#pins.has(oldest.file)) break;
      this.#segments.shift();
      this.#bytes -= oldest.bytes;
      await rm(oldest.path, { force: true }).catch((error: unknown) =>
        logger.warn({ err: error, file: oldest.file }, 'could not delete a ring segment'),
      );
    }
    this.options.onChange?.(this);
  }
}
