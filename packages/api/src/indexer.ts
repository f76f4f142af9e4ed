import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import {
  ClipReadySchema,
  DecodeError,
  ObjectEventSchema,
  decodeJson,
  ensureConsumer,
  type Bus,
  type Subjects,
} from '@shiriki/bus';
import type { Logger } from '@shiriki/telemetry';
import type { ApplyResult, EventIndex } from './index-db/event-index.js';
import type { ApiMetrics } from './metrics.js';

export interface EventIndexerOptions {
  bus: Bus;
  subjects: Subjects;
  index: EventIndex;
  logger: Logger;
  metrics: ApiMetrics;
  /** How often to look again for a stream that does not exist yet. Default 2000 ms. */
  streamRetryMs?: number;
  /** A message not acked this long is delivered again. Default 30 000 ms. */
  ackWaitMs?: number;
}

export const EVENT_INDEXER_DEFAULTS = { streamRetryMs: 2000, ackWaitMs: 30_000 } as const;

type Feed = 'events' | 'clips';

/**
 * Feeds the event index from the events and clips streams through durable consumers named after the index
 * (`api_index_<indexId>_<feed>`): an indexer that was down resumes where its index left off, and every
 * api replica sharing one PostgreSQL index shares its consumers. Messages are acked once written, so none
 * is lost; writes are ordered by stream sequence (see `EventIndex`), so none is doubled.
 */
export class EventIndexer {
  readonly #o: EventIndexerOptions & Required<Pick<EventIndexerOptions, 'streamRetryMs' | 'ackWaitMs'>>;
  readonly #messages = new Set<ConsumerMessages>();
  readonly #loops: Promise<void>[] = [];
  #stopped = false;
  /** Ends the current retry pause at once (on stop). */
  #wake: (() => void) | undefined;

  constructor(options: EventIndexerOptions) {
    this.#o = { ...EVENT_INDEXER_DEFAULTS, ...options };
  }

  /** Durable consumer name of one feed. */
  consumerName(feed: Feed): string {
    return `api_index_${this.#o.index.indexId}_${feed}`;
  }

  /** Starts both feeds; a feed whose stream is missing starts once the stream appears. */
  start(): void {
    for (const feed of ['events', 'clips'] as const) this.#loops.push(this.#run(feed));
  }

  /** Messages in the streams the index has not taken yet (undefined while a stream is missing). */
  async backlog(): Promise<Record<Feed, number | undefined>> {
    const pending = async (feed: Feed) => {
      try {
        const info = await this.#o.bus.jsm.consumers.info(this.#streamOf(feed), this.consumerName(feed));
        return info.num_pending + info.num_ack_pending;
      } catch {
        return undefined;
      }
    };
    return { events: await pending('events'), clips: await pending('clips') };
  }

  /** Stops pulling; the message being written finishes and is acked. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await Promise.all([...this.#messages].map((m) => m.close().catch(() => undefined)));
    await Promise.allSettled(this.#loops);
  }

  #streamOf(feed: Feed): string {
    return feed === 'events' ? this.#o.subjects.streams.events : this.#o.subjects.streams.clips;
  }

  async #run(feed: Feed): Promise<void> {
    const { logger } = this.#o;
    let waitingLogged = false;
    while (!this.#stopped) {
      try {
        await this.#ensureConsumer(feed);
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) {
          logger.error({ err: error, feed }, 'cannot create the index consumer; retrying');
        } else if (!waitingLogged) {
          logger.info({ stream: this.#streamOf(feed) }, 'waiting for the stream to exist');
          waitingLogged = true;
        }
        await this.#pause();
        continue;
      }
      try {
        const consumer = await this.#o.bus.js.consumers.get(this.#streamOf(feed), this.consumerName(feed));
        const messages = await consumer.consume({ max_messages: 256 });
        this.#messages.add(messages);
        if (this.#stopped) await messages.close();
        for await (const msg of messages) await this.#handle(feed, msg);
        this.#messages.delete(messages);
      } catch (error) {
        if (this.#stopped) return;
        logger.error({ err: error, feed }, 'index consumer ended; restarting');
        await this.#pause();
      }
    }
  }

  #pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.#o.streamRetryMs);
      const wakeOthers = this.#wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      // Both feeds may pause at once; waking one wakes the other.
      this.#wake = () => {
        wakeOthers?.();
        done();
      };
    });
  }

  async #ensureConsumer(feed: Feed): Promise<void> {
    await ensureConsumer(this.#o.bus.jsm, this.#streamOf(feed), {
      durable_name: this.consumerName(feed),
      description: `Event index ${this.#o.index.indexId} (${feed})`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.#o.ackWaitMs),
      max_ack_pending: 1000,
    });
  }

  async #handle(feed: Feed, msg: JsMsg): Promise<void> {
    const { index, metrics, logger } = this.#o;
    let result: ApplyResult;
    try {
      result =
        feed === 'events'
          ? await index.applyEvent(decodeJson(ObjectEventSchema, msg.data), msg.seq)
          : await index.applyClip(decodeJson(ClipReadySchema, msg.data), msg.seq);
    } catch (error) {
      if (error instanceof DecodeError) {
        metrics.indexed.inc({ stream: feed, result: 'invalid' });
        logger.warn(
          { err: error, subject: msg.subject, seq: msg.seq },
          'invalid message skipped by the index',
        );
        msg.term();
        return;
      }
      metrics.indexed.inc({ stream: feed, result: 'error' });
      logger.error({ err: error, seq: msg.seq }, 'index write failed; the message comes again');
      msg.nak(Math.min(30_000, 1000 * msg.info.deliveryCount));
      return;
    }
    metrics.indexed.inc({ stream: feed, result });
    msg.ack();
  }
}
