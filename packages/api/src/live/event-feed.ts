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

/** How often a feed looks again for a stream that does not exist yet. */
const STREAM_RETRY_MS = 2000;

/**
 * Follows the events and clips streams through two ordered consumers (ephemeral, nothing to clean up on
 * the server) and hands every valid message to `onMessage` in arrival order; invalid messages are
 * skipped. Returns at once: a stream that does not exist yet (nothing was ever published on this
 * deployment) is followed from the moment it appears.
 */
export function openEventFeed(options: {
  bus: Bus;
  subjects: Subjects;
  start: FeedStart;
  onMessage: (message: FeedMessage) => void;
}): { close(): Promise<void> } {
  const { bus, subjects, start, onMessage } = options;
  const streams = { events: subjects.streams.events, clips: subjects.streams.clips };
  const feeds = new Set<ConsumerMessages>();
  let closed = false;
  const wakers = new Set<() => void>();
  const pause = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, STREAM_RETRY_MS);
      wakers.add(done);
    });

  const run = async () => {
    // Every start becomes a position in both streams, so the ids sent are exact from the first message on.
    const position =
      start.kind === 'after'
        ? { events: start.events, clips: start.clips }
        : {
            events: await lastSeqBefore(bus, streams.events, start.kind === 'since' ? start.time : Infinity),
            clips: await lastSeqBefore(bus, streams.clips, start.kind === 'since' ? start.time : Infinity),
          };
    const follow = async (feed: 'events' | 'clips') => {
      // An ordered consumer on a missing stream would wait for it silently; look first.
      while (
        !closed &&
        !(await bus.jsm.streams.info(streams[feed]).then(
          () => true,
          () => false,
        ))
      )
        await pause();
      if (closed) return;
      const consumer = await bus.js.consumers.get(streams[feed], {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: position[feed] + 1,
      });
      const messages = await consumer.consume();
      feeds.add(messages);
      if (closed) await messages.close();
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
    };
    await Promise.allSettled([follow('events'), follow('clips')]);
  };
  const running = run().catch(() => undefined);
  return {
    close: async () => {
      closed = true;
      for (const wake of [...wakers]) wake();
      await Promise.all([...feeds].map((f) => f.close().catch(() => undefined)));
      await running;
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
