import type { ObjectStore } from '@shiriki/storage';

export interface UsageSample {
  bytes: number;
  objects: number;
  measuredAt: number;
}

/**
 * The store's total size, by listing it. A listing of a big bucket takes a while, so it runs in the
 * background at most once per `maxAgeMs` and callers get the last figure (undefined until the first is in).
 */
export class StorageUsage {
  #last: UsageSample | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly maxAgeMs = 60_000,
  ) {}

  current(now = Date.now()): UsageSample | undefined {
    if (!this.#running && (!this.#last || now - this.#last.measuredAt > this.maxAgeMs)) {
      this.#running = this.#measure().finally(() => (this.#running = undefined));
    }
    return this.#last;
  }

  /** Resolves once the measurement in progress (if any) is done. */
  async settled(): Promise<UsageSample | undefined> {
    await this.#running;
    return this.#last;
  }

  async #measure(): Promise<void> {
    let bytes = 0;
    let objects = 0;
    try {
      for await (const object of this.store.list('')) {
        bytes += object.size;
        objects += 1;
      }
      this.#last = { bytes, objects, measuredAt: Date.now() };
    } catch {
      // The store is down; the previous figure stays until it answers.
    }
  }
}
