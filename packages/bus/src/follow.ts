import {
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
 * Follows `subject` in `stream` with an ordered consumer (it recreates itself after reconnects and server
 * restarts), replaying from `fromTime` first. Invalid messages are counted and dropped, handler errors
 * counted and logged; neither ends the loop. Messages are handled one at a time, in stream order.
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
  const consumer = await bus.js.consumers.get(stream, {
    filter_subjects: [subject],
    ...(fromTime === undefined
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(fromTime).toISOString() }),
  });
  let markCaughtUp = (): void => undefined;
  const caughtUp =
    target === undefined ? Promise.resolve() : new Promise<void>((resolve) => (markCaughtUp = resolve));
  const messages: ConsumerMessages = await consumer.consume();
  const loop = async (): Promise<void> => {
    for await (const msg of messages) {
      const value = guard.decode(msg.data, msg.subject);
      if (value !== undefined) {
        try {
          await handler(value.value, msg);
        } catch (error) {
          guard.handlerFailed(msg.subject, error);
        }
      }
      if (target !== undefined && msg.seq >= target) markCaughtUp();
    }
  };
  const done = loop()
    .catch((error: unknown) => logger.error({ subject, err: error }, 'stream follower ended with an error'))
    .finally(markCaughtUp);
  return {
    caughtUp,
    done,
    async stop() {
      await messages.close().catch(() => undefined);
      await done;
    },
  };
}
