import type { BrokerLink } from './broker-link.js';

interface Pending {
  payload: string | Buffer;
  retain: boolean;
  kind: string;
}

export interface StateOutboxOptions {
  link: BrokerLink;
  /** Topics held while the broker is away; beyond it the oldest is dropped. */
  maxQueued: number;
  onQueueChange?(size: number): void;
  onDrop?(topic: string): void;
  /** The broker took a message of this kind. */
  onPublished?(kind: string): void;
}

/**
 * State messages (counts, motion, snapshots, stats): only the latest value of a topic matters, so while the
 * broker is away each topic keeps its newest payload, bounded by `maxQueued` topics, and all go out on
 * reconnect in the order they were last set.
 */
export class StateOutbox {
  readonly #pending = new Map<string, Pending>();
  #flushing: Promise<void> | undefined;
  #again = false;

  constructor(private readonly options: StateOutboxOptions) {
    options.link.onConnect(() => void this.flush());
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Sends `payload` now when connected, else keeps it for the reconnect; `kind` labels the metric. */
  set(topic: string, payload: string | Buffer, kind: string, retain = true): void {
    this.#pending.delete(topic);
    this.#pending.set(topic, { payload, retain, kind });
    while (this.#pending.size > this.options.maxQueued) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
      this.options.onDrop?.(oldest);
    }
    this.options.onQueueChange?.(this.#pending.size);
    void this.flush();
  }

  /**
   * Sends what is pending; resolves when the broker took it or went away again. A flush asked for while one
   * runs (a reconnect, a new value) makes that one go round again, so nothing waits for the next `set`.
   */
  flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    this.#flushing = (async () => {
      do {
        this.#again = false;
        await this.#drain();
      } while (this.#again && this.options.link.connected);
    })().finally(() => {
      this.#flushing = undefined;
      this.options.onQueueChange?.(this.#pending.size);
    });
    return this.#flushing;
  }

  async #drain(): Promise<void> {
    const { link } = this.options;
    while (link.connected && this.#pending.size > 0) {
      const [topic, message] = this.#pending.entries().next().value as [string, Pending];
      try {
        await link.publish(topic, message.payload, { retain: message.retain });
      } catch {
        return; // Still pending; the next connect flushes it.
      }
      this.options.onPublished?.(message.kind);
      // A newer value set while this one was in flight stays pending.
      if (this.#pending.get(topic) === message) this.#pending.delete(topic);
    }
  }
}
