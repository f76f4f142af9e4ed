import { nanos } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { z } from 'zod';
import { decodeJson } from './json-codec.js';
import { messageGuard, type SafeSubscribeOptions } from './subscribe.js';

export interface FollowStreamOptions extends Pick<
  SafeSubscribeOptions,
  'logger' | 'metrics' | 'subjectKind' | 'warnIntervalMs'
> {
  stream: string;
  /** The subject to follow within the stream. */
  subject: string;
  /** Replay what the stream holds from this time (epoch ms) before the live messages; only new ones when undefined. */
  fromTime?: number;
}

/** An ordered consumer of one subject, with the safety of {@link subscribeJson}. */
export interface StreamFollower {
  /** Resolves once the messages stored when following began are handled (at once when there were none). */
  readonly caughtUp: Promise<void>;
  /** Resolves once the loop has ended; never rejects. */
  readonly done: Promise<void>;
  /** Stops the consumer; messages already handed to the handler finish first. */
  stop(): Promise<void>;
}

/**
 * The first stream sequence stored at or after `time`, as the server finds it for a consumer that starts at a
 * time: a throwaway consumer reports it as delivered up to the one before.
 */
async function sequenceAt(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  time: number,
): Promise<number> {
  const info = await jsm.consumers.add(stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(time).toISOString(),
    filter_subject: subject,
    ack_policy: AckPolicy.None,
    inactive_threshold: nanos(30_000),
    mem_storage: true,
  });
  await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  return info.delivered.stream_seq + 1;
}

/** Wait before a follower whose consumer failed follows again. */
const REFOLLOW_DELAY_MS = 1000;

/**
 * Follows `subject` in `stream` with an ordered consumer (it recreates itself after reconnects and server
 * restarts), replaying from `fromTime` first. Invalid messages are counted and dropped, handler errors
 * counted and logged; neither ends the loop. Messages are handled one at a time, in stream order.
 *
 * The replay starts at a sequence, not a time: nats.js's ordered consumer cannot recreate itself when it was
 * made with a start time (it sends the start time along with its new start sequence, which the server refuses),
 * and a server restart left such a follower stalled. Should the consumer fail anyway, the follower follows
 * again from the message after the last one handled.
 */
export async function followJson<S extends z.ZodType>(
  bus: { js: JetStreamClient; jsm: JetStreamManager },
  schema: S,
  handler: (value: z.output<S>, msg: JsMsg) => void | Promise<void>,
  options: FollowStreamOptions,
): Promise<StreamFollower> {
  const { stream, subject, fromTime, logger } = options;
  const guard = messageGuard(subject, (bytes) => decodeJson(schema, bytes), options);
  // The last message stored now: the replay is done once it is handled.
  const last =
    fromTime === undefined
      ? null
      : await bus.jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null);
  const target = last !== null && last.time.getTime() >= fromTime! ? last.seq : undefined;
  let markCaughtUp = (): void => undefined;
  const caughtUp =
    target === undefined ? Promise.resolve() : new Promise<void>((resolve) => (markCaughtUp = resolve));
  let lastSeq: number | undefined;
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  let wake = (): void => undefined;

  const firstSeq = fromTime === undefined ? undefined : await sequenceAt(bus.jsm, stream, subject, fromTime);
  const open = async (): Promise<ConsumerMessages> => {
    const startSeq = lastSeq !== undefined ? lastSeq + 1 : firstSeq;
    const consumer = await bus.js.consumers.get(stream, {
      filter_subjects: [subject],
      ...(startSeq === undefined
        ? { deliver_policy: DeliverPolicy.New }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
    });
    return consumer.consume();
  };
  const drain = async (current: ConsumerMessages): Promise<void> => {
    for await (const msg of current) {
      const value = guard.decode(msg.data, msg.subject);
      if (value !== undefined) {
        try {
          await handler(value.value, msg);
        } catch (error) {
          guard.handlerFailed(msg.subject, error);
        }
      }
      lastSeq = msg.seq;
      if (target !== undefined && msg.seq >= target) markCaughtUp();
    }
  };
  const loop = async (first: ConsumerMessages): Promise<void> => {
    let current: ConsumerMessages | undefined = first;
    while (!stopped) {
      try {
        if (current === undefined) {
          current = messages = await open();
          // stop() came while the consumer was being made: it closed nothing.
          if (stopped) return void (await current.close().catch(() => undefined));
        }
        await drain(current);
        if (stopped) return;
        throw new Error('the consumer ended');
      } catch (error) {
        if (stopped) return;
        logger.warn({ subject, after: lastSeq, err: error }, 'stream follower failed; following again');
        current = messages = undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, REFOLLOW_DELAY_MS).unref();
        });
      }
    }
  };
  messages = await open();
  const done = loop(messages)
    .catch((error: unknown) => logger.error({ subject, err: error }, 'stream follower ended with an error'))
    .finally(markCaughtUp);
  return {
    caughtUp,
    done,
    async stop() {
      stopped = true;
      wake();
      await messages?.close().catch(() => undefined);
      await done;
    },
  };
}
