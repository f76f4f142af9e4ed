import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClipReady } from '@shiriki/bus';
import type { Logger } from '@shiriki/telemetry';

/** Everything needed to finish a delivery later: the upload and the ClipReady. */
export interface ClipJob {
  camera: string;
  eventId: string;
  part: number;
  clipKey: string;
  metadataKey: string;
  /** The event.json body. */
  metadata: Record<string, unknown>;
  /** User metadata of the clip object. */
  clipMetadata: Record<string, string>;
  clipReady: ClipReady;
  /** JetStream message id of the ClipReady (deduplicates re-deliveries). */
  msgId: string;
  /** End of the clip window, for the latency metric. */
  windowEndMs: number;
}

export interface SpoolEntry {
  name: string;
  dir: string;
  clipPath: string;
  job: ClipJob;
  bytes: number;
}

export interface UploadSpoolOptions {
  /** `record.spool.dir`. */
  dir: string;
  /** `record.spool.max_bytes`: the oldest entries are dropped beyond it. */
  maxBytes: number;
  logger: Logger;
  onChange?: (files: number, bytes: number) => void;
  onDrop?: (entry: SpoolEntry) => void;
}

const ENTRY_FILE = 'job.json';
const CLIP_FILE = 'clip.mp4';

/**
 * Finished clips that could not be uploaded, oldest first, one directory per clip (`<time>-<seq>`). An entry
 * is written into a dot-named directory and renamed into place, so a crash never leaves half an entry. The
 * spool's own work directory (`.work`) is where clips are cut, so spooling a clip is a rename.
 */
export class UploadSpool {
  readonly #entries: SpoolEntry[] = [];
  #bytes = 0;
  #sequence = 0;

  constructor(private readonly options: UploadSpoolOptions) {}

  /** Scratch directory on the spool's file system. */
  get workDir(): string {
    return join(this.options.dir, '.work');
  }

  async open(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    await rm(this.workDir, { recursive: true, force: true });
    await mkdir(this.workDir, { recursive: true });
    for (const name of (await readdir(this.options.dir)).sort()) {
      const dir = join(this.options.dir, name);
      if (name.startsWith('.')) {
        if (name !== '.work') await rm(dir, { recursive: true, force: true });
        continue;
      }
      try {
        const job = JSON.parse(await readFile(join(dir, ENTRY_FILE), 'utf8')) as ClipJob;
        const clipPath = join(dir, CLIP_FILE);
        const bytes = (await stat(clipPath)).size;
        this.#entries.push({ name, dir, clipPath, job, bytes });
        this.#bytes += bytes;
      } catch (error) {
        this.options.logger.error({ err: error, entry: name }, 'unreadable spool entry removed');
        await rm(dir, { recursive: true, force: true });
      }
    }
    this.#changed();
  }

  get files(): number {
    return this.#entries.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Oldest first. */
  entries(): readonly SpoolEntry[] {
    return this.#entries;
  }

  /** Moves `clipPath` into the spool with its job; drops the oldest entries beyond `maxBytes`. */
  async add(clipPath: string, job: ClipJob): Promise<SpoolEntry> {
    const name = `${Date.now().toString().padStart(15, '0')}-${String(this.#sequence++).padStart(6, '0')}`;
    const dir = join(this.options.dir, name);
    const temp = join(this.options.dir, `.tmp-${name}`);
    await mkdir(temp, { recursive: true });
    await rename(clipPath, join(temp, CLIP_FILE));
    await writeFile(join(temp, ENTRY_FILE), JSON.stringify(job));
    await rename(temp, dir);
    const bytes = (await stat(join(dir, CLIP_FILE))).size;
    const entry: SpoolEntry = { name, dir, clipPath: join(dir, CLIP_FILE), job, bytes };
    this.#entries.push(entry);
    this.#bytes += bytes;
    while (this.#bytes > this.options.maxBytes && this.#entries.length > 0) {
      const oldest = this.#entries[0];
      if (!oldest) break;
      this.options.logger.error(
        {
          camera: oldest.job.camera,
          eventId: oldest.job.eventId,
          part: oldest.job.part,
          bytes: oldest.bytes,
        },
        'spool full: dropping the oldest clip',
      );
      await this.remove(oldest);
      this.options.onDrop?.(oldest);
    }
    this.#changed();
    return entry;
  }

  async remove(entry: SpoolEntry): Promise<void> {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    this.#bytes -= entry.bytes;
    await rm(entry.dir, { recursive: true, force: true });
    this.#changed();
  }

  #changed(): void {
    this.options.onChange?.(this.#entries.length, this.#bytes);
  }
}
