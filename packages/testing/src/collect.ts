import type { Msg, NatsConnection } from '@nats-io/transport-node';

export interface Collected<T> {
  /** Every message decoded so far, in arrival order. */
  readonly messages: T[];
  /** Unsubscribes; `messages` keeps what arrived. */
  readonly stop: () => void;
}

/**
 * Subscribes to `subject` and keeps `decode(msg)` of every message (for instance with its arrival time, or
 * without the payload to keep memory flat). A message that arrives with a subscription error is skipped.
 */
export function collect<T>(nc: NatsConnection, subject: string, decode: (msg: Msg) => T): Collected<T> {
  const messages: T[] = [];
  const sub = nc.subscribe(subject, {
    callback: (error, msg) => {
      if (!error) messages.push(decode(msg));
    },
  });
  return { messages, stop: () => sub.unsubscribe() };
}
