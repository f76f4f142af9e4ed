import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { continuousObjectKey, StorageUnavailableError, type ObjectStore } from '@shiriki/storage';
import type { Logger } from '@shiriki/telemetry';
import { cutClip, NoFootageError } from './clip-cutter.js';
import type { RecorderMetrics } from './metrics.js';
import type { Segment } from './segment-file.js';
import type { SegmentRing } from './segment-ring.js';

export interface ContinuousUploaderOptions {
  camera: string;
  ring: SegmentRing;
  store: ObjectStore;
  ffmpegPath: string;
  /** Scratch directory for the chunks being remuxed. */
  workDir: string;
  /** `record.continuous_chunk_seconds`: footage per uploaded MP4. */
  chunkSeconds: number;
  logger: Logger;
  metrics: RecorderMetrics;
}

/** Where the uploader has got to, kept next to the ring so a restart on the same host carries on. */
interface ContinuousState {
  version: 1;
  uploadedUntilMs: number;
}

/** While the store is down, how long before a chunk is remuxed and tried again. */
const STORE_RETRY_MS = 5_000;

/** Segments that start this close to the last uploaded end follow it without a gap. */
const CONTIGUOUS_MS = 250;

/**
 * Continuous recording: every finished segment of the ring ends up in the store, remuxed into MP4 chunks of
 * about `chunkSeconds` (whole segments) under `recordings/<camera>/<day>/<hour>/<startMs>.mp4`. The ring stays
 * bounded while the store is down: chunks are retried as long as their segments are in the ring, and footage
 * the ring drops first is counted (`failures{reason="continuous_gap"}`) and logged. A chunk's key is its
 * first segment's start, so uploading it twice (a crash between upload and bookkeeping) overwrites, never
 * duplicates.
 */
export class ContinuousUploader {
  readonly #statePath: string;
  #uploadedUntilMs: number | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #storeDown = false;
  /** While the store is down, chunks are remuxed and tried again only from this time on. */
  #retryAtMs = 0;
  #gapReportedAt: number | undefined;

  constructor(private readonly options: ContinuousUploaderOptions) {
    this.#statePath = join(options.ring.dir, 'continuous.json');
  }

  /** Reads the state a previous run on this host left. Call after the ring is open. */
  async open(): Promise<void> {
    try {
      const state = JSON.parse(await readFile(this.#statePath, 'utf8')) as Partial<ContinuousState>;
      if (state.version === 1 && Number.isFinite(state.uploadedUntilMs)) {
        this.#uploadedUntilMs = state.uploadedUntilMs;
      }
    } catch {
      // No state yet (or unreadable): start with the oldest segment in the ring.
    }
  }

  /** Uploads every complete chunk the ring holds; called after each new segment. */
  onSegment(): Promise<void> {
    return this.#run(false);
  }

  /** Uploads what is left, even a chunk shorter than `chunkSeconds` (the camera is stopping). */
  flush(): Promise<void> {
    return this.#run(true);
  }

  #run(partial: boolean): Promise<void> {
    if (this.#running) {
      this.#again ||= !partial;
      return partial ? this.#running.then(() => this.#run(true)) : this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        while (await this.#uploadNext(partial));
      } while (this.#again);
    })()
      .catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'continuous upload failed');
      })
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Uploads the next chunk if the ring holds one; true when it did and another may follow. */
  async #uploadNext(partial: boolean): Promise<boolean> {
    const o = this.options;
    if (this.#storeDown && !partial && Date.now() < this.#retryAtMs) return false;
    const chunk = this.#nextChunk(partial);
    if (!chunk) return false;
    const first = chunk[0]!;
    const last = chunk.at(-1)!;
    const release = o.ring.pin(chunk);
    const outPath = join(
      o.workDir,
      `continuous-${o.camera}-${first.startMs}-${randomBytes(3).toString('hex')}.mp4`,
    );
    try {
      let clip;
      try {
        clip = await cutClip({
          ffmpegPath: o.ffmpegPath,
          segments: chunk,
          startMs: first.startMs,
          endMs: last.endMs,
          outPath,
          toleranceMs: CONTIGUOUS_MS * 4,
        });
      } catch (error) {
        if (!(error instanceof NoFootageError)) throw error;
        // Every segment of the chunk was unreadable: nothing to keep, move on.
        o.metrics.failures.inc({ camera: o.camera, reason: 'continuous_gap' });
        o.logger.error({ reasons: error.reasons }, 'continuous footage unreadable');
        await this.#advance(last.endMs);
        return true;
      }
      const key = continuousObjectKey(o.camera, first.startMs);
      try {
        await o.store.putFile(key, clip.path, {
          contentType: 'video/mp4',
          metadata: {
            camera: o.camera,
            start: String(Math.round(clip.startMs)),
            end: String(Math.round(last.endMs)),
            ...(clip.partial ? { partial: clip.reasons.join('; ').slice(0, 500) } : {}),
          },
        });
      } catch (error) {
        if (!(error instanceof StorageUnavailableError)) throw error;
        if (!this.#storeDown) {
          o.logger.warn({ err: error }, 'store unavailable; continuous footage waits in the ring');
        }
        this.#storeDown = true;
        this.#retryAtMs = Date.now() + STORE_RETRY_MS;
        o.metrics.failures.inc({ camera: o.camera, reason: 'store_unavailable' });
        return false;
      }
      if (this.#storeDown) o.logger.info({}, 'store back; continuous upload resumed');
      this.#storeDown = false;
      o.metrics.continuousChunks.inc({ camera: o.camera });
      await this.#advance(last.endMs);
      return true;
    } finally {
      release();
      await rm(outPath, { force: true });
    }
  }

  /** The oldest run of not yet uploaded segments worth `chunkSeconds` (or any, when `partial`). */
  #nextChunk(partial: boolean): Segment[] | undefined {
    const o = this.options;
    const from = this.#uploadedUntilMs;
    const pending = o.ring.segments().filter((s) => from === undefined || s.startMs >= from - CONTIGUOUS_MS);
    const first = pending[0];
    if (!first) return undefined;
    if (from !== undefined && first.startMs > from + CONTIGUOUS_MS * 4 && this.#gapReportedAt !== from) {
      o.metrics.failures.inc({ camera: o.camera, reason: 'continuous_gap' });
      o.logger.warn(
        { fromMs: from, toMs: first.startMs, seconds: (first.startMs - from) / 1000 },
        'continuous recording has a gap (no footage, or the ring dropped it before it was uploaded)',
      );
      this.#gapReportedAt = from;
    }
    const chunk: Segment[] = [];
    for (const segment of pending) {
      chunk.push(segment);
      if (segment.endMs - first.startMs >= o.chunkSeconds * 1000) return chunk;
    }
    return partial ? chunk : undefined;
  }

  async #advance(untilMs: number): Promise<void> {
    this.#uploadedUntilMs = untilMs;
    const state: ContinuousState = { version: 1, uploadedUntilMs: untilMs };
    const temp = `${this.#statePath}.${randomBytes(3).toString('hex')}`;
    await writeFile(temp, JSON.stringify(state));
    await rename(temp, this.#statePath);
  }
}
