import { rm } from 'node:fs/promises';
import type { ObjectStore } from '@shiriki/storage';
import { StorageUnavailableError } from '@shiriki/storage';
import type { Logger } from '@shiriki/telemetry';
import type { RecorderMetrics } from './metrics.js';
import type { ClipJob, UploadSpool } from './spool.js';

export interface ClipDeliveryOptions {
  store: ObjectStore;
  spool: UploadSpool;
  /** Publishes the job's ClipReady; must be idempotent per `job.msgId`. */
  publish: (job: ClipJob) => Promise<void>;
  metrics: RecorderMetrics;
  logger: Logger;
}

/**
 * Uploads a finished clip and its metadata, then announces it. While the store is unavailable clips go to
 * the spool, which `drain()` empties oldest first once the store answers again.
 */
export class ClipDelivery {
  #draining: Promise<number> | undefined;

  constructor(private readonly options: ClipDeliveryOptions) {}

  /**
   * `uploaded`: in the store and announced. `spooled`: on local disk, to be uploaded and announced by
   * `drain()`. Other failures throw (the caller retries the event). The clip file is consumed either way.
   */
  async deliver(clipPath: string, job: ClipJob): Promise<'uploaded' | 'spooled'> {
    const { spool, metrics, logger } = this.options;
    // Older spooled clips go first, so a clip never overtakes one of the same camera.
    if (spool.files === 0) {
      try {
        await this.#upload(clipPath, job);
      } catch (error) {
        if (!(error instanceof StorageUnavailableError)) throw error;
        logger.warn(
          { camera: job.camera, eventId: job.eventId, err: error },
          'store unavailable; spooling clip',
        );
        metrics.failures.inc({ camera: job.camera, reason: 'store_unavailable' });
        await spool.add(clipPath, job);
        metrics.clips.inc({ camera: job.camera, result: 'spooled' });
        return 'spooled';
      }
      await rm(clipPath, { force: true });
      await this.options.publish(job);
      this.#announced(job);
      return 'uploaded';
    }
    await spool.add(clipPath, job);
    metrics.clips.inc({ camera: job.camera, result: 'spooled' });
    void this.drain();
    return 'spooled';
  }

  /** Uploads and announces spooled clips, oldest first, until the spool is empty or the store fails. */
  drain(): Promise<number> {
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  async #drain(): Promise<number> {
    const { spool, logger, metrics } = this.options;
    let done = 0;
    for (const entry of [...spool.entries()]) {
      try {
        await this.#upload(entry.clipPath, entry.job);
        await this.options.publish(entry.job);
      } catch (error) {
        if (error instanceof StorageUnavailableError) break;
        metrics.failures.inc({ camera: entry.job.camera, reason: 'spool_upload' });
        logger.error(
          { err: error, camera: entry.job.camera, eventId: entry.job.eventId },
          'spooled clip failed',
        );
        continue;
      }
      await spool.remove(entry);
      this.#announced(entry.job);
      done++;
    }
    if (done > 0) logger.info({ delivered: done, left: spool.files }, 'spooled clips delivered');
    return done;
  }

  async #upload(clipPath: string, job: ClipJob): Promise<void> {
    const { store, metrics } = this.options;
    const started = performance.now();
    await store.putFile(job.clipKey, clipPath, { contentType: 'video/mp4', metadata: job.clipMetadata });
    await store.put(job.metadataKey, new TextEncoder().encode(JSON.stringify(job.metadata, null, 2)), {
      contentType: 'application/json',
    });
    metrics.uploadSeconds.observe((performance.now() - started) / 1000);
  }

  #announced(job: ClipJob): void {
    const { metrics } = this.options;
    metrics.clips.inc({ camera: job.camera, result: 'uploaded' });
    metrics.clipLatencySeconds.observe(
      { camera: job.camera },
      Math.max(0, (Date.now() - job.windowEndMs) / 1000),
    );
  }
}
