import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { z } from 'zod';
import { DecodeError, FrameDecodeError } from './errors.js';
import { decodeJson } from './json-codec.js';
import { createBusMetrics, type BusMetrics } from './metrics.js';
import { inferSubjectKind } from './subjects.js';
import { type LogSink, rateLimited } from '@shiriki/telemetry';

export type MessageHandler<T> = (value: T, msg: Msg) => void | Promise<void>;

export interface SafeSubscribeOptions {
  logger: LogSink;
  /** Where invalid messages and handler errors are counted; in-memory counters when omitted. */
  metrics?: BusMetrics;
  /** Queue group: each message goes to one member of the group. */
  queue?: string;
  /** `subject_kind` metric label; defaults to the kind token found in the subscribed subject. */
  subjectKind?: string;
  /** At most one log line per interval for invalid messages, and one for handler errors. */
  warnIntervalMs?: number;
}

export const SUBSCRIBE_DEFAULTS = { warnIntervalMs: 10_000 } as const;

/** A subscription whose loop survives bad messages and failing handlers. */
export interface SafeSubscription {
  readonly subject: string;
  readonly subscription: Subscription;
  readonly metrics: BusMetrics;
  /** Resolves once the loop has ended (unsubscribed, drained or connection closed); never rejects. */
  readonly done: Promise<void>;
  /** Handles the messages already received, then ends the loop. */
  drain(): Promise<void>;
  unsubscribe(): void;
}

/** Subscribes to JSON messages validated by `schema`; see {@link subscribeDecoded}. */
export function subscribeJson<S extends z.ZodType>(
  nc: NatsConnection,
  subject: string,
  schema: S,
  handler: MessageHandler<z.output<S>>,
  options: SafeSubscribeOptions,
): SafeSubscription {
  return subscribeDecoded(nc, subject, (bytes) => decodeJson(schema, bytes), handler, options);
}

/**
 * The shared loop: messages that fail `decode` are counted by reason and dropped, handler errors are
 * counted and logged; neither ends the subscription.
 */
export function subscribeDecoded<T>(
  nc: NatsConnection,
  subject: string,
  decode: (bytes: Uint8Array) => T,
  handler: MessageHandler<T>,
  options: SafeSubscribeOptions,
): SafeSubscription {
  const { logger, queue } = options;
  const guard = messageGuard(subject, decode, options);
  const subscription = nc.subscribe(subject, queue === undefined ? {} : { queue });

  const loop = async (): Promise<void> => {
    for await (const msg of subscription) {
      const value = guard.decode(msg.data, msg.subject);
      if (value === undefined) continue;
      try {
        await handler(value.value, msg);
      } catch (error) {
        guard.handlerFailed(msg.subject, error);
      }
    }
  };
  const done = loop().catch((error: unknown) => {
    logger.error({ subject, err: error }, 'bus subscription ended with an error');
  });

  return {
    subject,
    subscription,
    metrics: guard.metrics,
    done,
    drain: async () => {
      if (!subscription.isClosed() && !nc.isClosed()) await subscription.drain();
      await done;
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

/** What a subscription loop does with each message: decode it, or count and log why it could not. */
export interface MessageGuard<T> {
  readonly metrics: BusMetrics;
  /** The decoded value, or undefined for an invalid message (counted and logged, at most once an interval). */
  decode(bytes: Uint8Array, subject: string): { value: T } | undefined;
  /** Counts and logs (rate-limited) a handler that threw or rejected. */
  handlerFailed(subject: string, error: unknown): void;
}

/** The decoding and error accounting shared by core subscriptions and stream followers. */
export function messageGuard<T>(
  subject: string,
  decode: (bytes: Uint8Array) => T,
  options: Pick<SafeSubscribeOptions, 'logger' | 'metrics' | 'subjectKind' | 'warnIntervalMs'>,
): MessageGuard<T> {
  const { logger } = options;
  const metrics = options.metrics ?? createBusMetrics();
  const subjectKind = options.subjectKind ?? inferSubjectKind(subject);
  const intervalMs = options.warnIntervalMs ?? SUBSCRIBE_DEFAULTS.warnIntervalMs;
  const warnInvalid = rateLimited((obj, msg) => logger.warn(obj, msg), intervalMs);
  const logHandlerError = rateLimited((obj, msg) => logger.error(obj, msg), intervalMs);
  return {
    metrics,
    decode(bytes, messageSubject) {
      try {
        return { value: decode(bytes) };
      } catch (error) {
        const reason = decodeReason(error);
        metrics.invalidMessages.inc({ subject_kind: subjectKind, reason });
        warnInvalid({ subject: messageSubject, reason, err: error }, 'dropped an invalid bus message');
        return undefined;
      }
    },
    handlerFailed(messageSubject, error) {
      metrics.handlerErrors.inc({ subject_kind: subjectKind });
      logHandlerError({ subject: messageSubject, err: error }, 'bus message handler failed');
    },
  };
}

function decodeReason(error: unknown): string {
  if (error instanceof FrameDecodeError || error instanceof DecodeError) return error.reason;
  return 'decoder_failure';
}
