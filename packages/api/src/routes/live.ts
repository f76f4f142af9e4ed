import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClipReady, ObjectEvent } from '@shiriki/bus';
import type { ApiContext } from '../context.js';
import { toMs, toSeconds } from '../http/time.js';
import { openEventFeed, parseFeedPosition, type FeedMessage, type FeedStart } from '../live/event-feed.js';
import { EpochSeconds, errorResponses } from './schemas.js';

const KEEPALIVE_MS = 15_000;

/** Event messages in the API's units (seconds), so a client handles the feed and the list alike. */
function feedData(message: FeedMessage): unknown {
  if (message.type === 'event') {
    const e = message.data as ObjectEvent;
    const { snapshot, frame_time, ...rest } = e;
    return {
      ...rest,
      start_time: toSeconds(e.start_time),
      end_time: e.end_time === undefined ? null : toSeconds(e.end_time),
      ...(frame_time === undefined ? {} : { frame_time: toSeconds(frame_time) }),
      has_snapshot: snapshot?.key !== undefined,
    };
  }
  const c = message.data as ClipReady;
  return {
    event_id: c.event_id,
    camera: c.camera,
    start: toSeconds(c.start),
    end: toSeconds(c.end),
    duration: c.duration_s,
    partial: c.partial ?? false,
  };
}

/** `GET /api/events/stream`: Server-Sent Events from the events and clips streams, resumable. */
export function registerLiveRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // Open feeds end when the server closes, or its close would wait for them forever.
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });
  app.get(
    '/api/events/stream',
    {
      schema: {
        tags: ['events'],
        summary:
          'Live events as Server-Sent Events (`event: event` and `event: clip`); resumes after `Last-Event-ID`, or from `since`',
        querystring: Type.Object(
          { since: Type.Optional(EpochSeconds('Replay from this time (epoch seconds).')) },
          { additionalProperties: false },
        ),
        produces: ['text/event-stream'],
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const start: FeedStart =
        typeof lastEventId === 'string' && lastEventId !== ''
          ? { kind: 'after', ...parseFeedPosition(lastEventId) }
          : request.query.since !== undefined
            ? { kind: 'since', time: toMs(request.query.since) }
            : { kind: 'new' };
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');
      const feed = openEventFeed({
        bus: ctx.bus,
        subjects: ctx.subjects,
        start,
        onMessage: (message) => {
          raw.write(
            `id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(feedData(message))}\n\n`,
          );
        },
      });
      const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
      const end = () => {
        open.delete(end);
        clearInterval(keepalive);
        void feed.close();
        raw.end();
      };
      open.add(end);
      request.raw.once('close', end);
    },
  );
}
