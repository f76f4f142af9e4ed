import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { ClipReadySchema, ObjectEventSchema, decodeJson, type Bus, type Subjects } from '@shiriki/bus';
import { BadRequestError } from '../errors.js';

/** Where a live feed starts: after given stream sequences, at a time, or with new messages only. */
export type FeedStart =
  { kind: 'after'; events: number; clips: number } | { kind: 'since'; time: number } | { kind: 'new' };

/** One message of the feed; `id` is the position to resume after (the SSE `id`). */
export interface FeedMessage {
  id: string;
  type: 'event' | 'clip';
  data: unknown;
}

/**
 * The feed position is both streams' sequences, `<events>-<clips>`: a client that reconnects with it as
 * `Last-Event-ID` misses nothing of either stream and sees nothing twice.
 */
export function parseFeedPosition(text: string): { events: number; clips: number } {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text.trim());
  if (!match) throw new BadRequestError('Last-Event-ID must be an id this feed sent, "<events>-<clips>"');
  return { events: Number(match[1]), clips: Number(match[2]) };
}

/**
 * Follows the events and clips streams through two ordered consumers (ephemeral, nothing to clean up on
 * the server) and hands every valid message to `onMessage` in arrival order. Invalid messages are skipped.
 */
export async function openEventFeed(options: {
  bus: Bus;
  subjects: Subjects;
  start: FeedStart;
  onMessage: (message: FeedMessage) => void;
}): Promise<{ close(): Promise<void> }> {
  const { bus, subjects, start, onMessage } = options;
  const streams = { events: subjects.streams.events, clips: subjects.streams.clips };
  // Every start becomes a position in both streams, so the ids sent are exact from the first message on.
  const position =
    start.kind === 'after'
      ? { events: start.events, clips: start.clips }
      : {
          events: await lastSeqBefore(bus, streams.events, start.kind === 'since' ? start.time : Infinity),
          clips: await lastSeqBefore(bus, streams.clips, start.kind === 'since' ? start.time : Infinity),
        };
  const feeds: ConsumerMessages[] = [];
  const loops: Promise<void>[] = [];
  for (const feed of ['events', 'clips'] as const) {
    let consumer;
    try {
      consumer = await bus.js.consumers.get(streams[feed], {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: position[feed] + 1,
      });
    } catch {
      continue; // The stream does not exist yet: nothing to follow on it.
    }
    const messages = await consumer.consume();
    feeds.push(messages);
    loops.push(
      (async () => {
        for await (const msg of messages) {
          let data: unknown;
          try {
            data = decodeJson(feed === 'events' ? ObjectEventSchema : ClipReadySchema, msg.data);
          } catch {
            continue;
          }
          position[feed] = msg.seq;
          onMessage({
            id: `${position.events}-${position.clips}`,
            type: feed === 'events' ? 'event' : 'clip',
            data,
          });
        }
      })().catch(() => undefined),
    );
  }
  return {
    close: async () => {
      await Promise.all(feeds.map((f) => f.close().catch(() => undefined)));
      await Promise.allSettled(loops);
    },
  };
}

/**
 * The sequence of the last message stored before `time` (0 when none): a binary search over the stream's
 * message timestamps, which grow with the sequence. `Infinity` gives the stream's last sequence.
 */
async function lastSeqBefore(bus: Bus, stream: string, time: number): Promise<number> {
  let info;
  try {
    info = await bus.jsm.streams.info(stream);
  } catch {
    return 0;
  }
  const { first_seq: first, last_seq: last, messages } = info.state;
  if (time === Infinity || messages === 0) return last;
  const timeOf = async (seq: number): Promise<number> => {
    try {
      const msg = await bus.jsm.streams.getMessage(stream, { seq });
      return msg ? msg.time.getTime() : -Infinity;
    } catch {
      return -Infinity; // Removed meanwhile: older than anything still there.
    }
  };
  let lo = first;
  let hi = last + 1; // first seq whose time >= `time` lies in [lo, hi]
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await timeOf(mid)) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
