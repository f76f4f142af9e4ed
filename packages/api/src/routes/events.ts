import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../context.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { serveObject } from '../http/serve-object.js';
import { toMs, toSeconds } from '../http/time.js';
import type { EventRecord } from '../index-db/event-record.js';
import { EpochSeconds, EventIdParam, EventSchema, errorResponses } from './schemas.js';

export function eventBody(e: EventRecord) {
  return {
    id: e.id,
    camera: e.camera,
    label: e.label,
    sub_label: e.sub_label,
    score: e.score,
    top_score: e.top_score,
    box: [...e.box],
    zones: e.zones,
    entered_zones: e.entered_zones,
    start_time: toSeconds(e.start_time),
    end_time: e.end_time === null ? null : toSeconds(e.end_time),
    stationary: e.stationary,
    has_snapshot: e.has_snapshot,
    has_clip: e.has_clip,
    snapshot_box: e.snapshot_box && [...e.snapshot_box],
    clip: e.clip && {
      start: toSeconds(e.clip.start),
      end: toSeconds(e.clip.end),
      duration: e.clip.duration_s,
      partial: e.clip.partial,
    },
  };
}

const NAME_LIST = '^[A-Za-z0-9_ .-]{1,64}(,[A-Za-z0-9_ .-]{1,64}){0,49}$';
const list = (description: string) => Type.Optional(Type.String({ pattern: NAME_LIST, description }));
const Flag = (description: string) =>
  Type.Optional(
    Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('true'), Type.Literal('false')], {
      description,
    }),
  );

const EventsQuery = Type.Object(
  {
    camera: list('Camera, or several separated by commas (`cameras` is accepted too).'),
    cameras: list('Same as `camera`.'),
    label: list('Label, or several separated by commas (`labels` too).'),
    labels: list('Same as `label`.'),
    zone: list('Events that entered this zone (or any of several).'),
    zones: list('Same as `zone`.'),
    after: Type.Optional(EpochSeconds('Events that started at or after this time (epoch seconds).')),
    before: Type.Optional(EpochSeconds('Events that started before this time (epoch seconds).')),
    has_clip: Flag('1: only events with a clip; 0: only those without.'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    cursor: Type.Optional(
      Type.String({ maxLength: 512, description: '`next_cursor` of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);

const split = (...values: Array<string | undefined>): string[] | undefined => {
  const all = values.filter((v): v is string => v !== undefined).flatMap((v) => v.split(','));
  return all.length > 0 ? all : undefined;
};

/** Event list, one event, its deletion and its media. */
export function registerEventRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { index, store, config } = ctx;
  const redirect =
    config.api.clip_redirect && store.kind === 's3'
      ? { expirySeconds: config.api.presign_expiry_s }
      : undefined;

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Events, newest first, with cursor pagination',
        querystring: EventsQuery,
        response: {
          200: Type.Object({
            events: Type.Array(EventSchema),
            next_cursor: Type.Union([Type.String(), Type.Null()], {
              description: 'Pass as `cursor` for the next page; null on the last page.',
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.after !== undefined && q.before !== undefined && q.after >= q.before) {
        throw new BadRequestError('after must be earlier than before', 'after');
      }
      const page = await index.query({
        cameras: split(q.camera, q.cameras),
        labels: split(q.label, q.labels),
        zones: split(q.zone, q.zones),
        after: q.after === undefined ? undefined : toMs(q.after),
        before: q.before === undefined ? undefined : toMs(q.before),
        has_clip: q.has_clip === undefined ? undefined : q.has_clip === '1' || q.has_clip === 'true',
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { events: page.events.map(eventBody), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One event',
        params: EventIdParam,
        response: { 200: EventSchema, ...errorResponses },
      },
    },
    async (request) => {
      const event = await index.get(request.params.id);
      if (!event) throw new NotFoundError('event', request.params.id);
      return eventBody(event);
    },
  );

  app.delete(
    '/api/events/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['events'],
        summary: 'Delete an event with its clip, snapshot, thumbnail and metadata (admin)',
        params: EventIdParam,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const keys = await index.keys(request.params.id);
      if (!keys) throw new NotFoundError('event', request.params.id);
      // Objects first: if the store fails, the event stays listed and the delete can be repeated.
      for (const key of [keys.clip, keys.snapshot, keys.thumbnail, keys.metadata]) {
        if (key !== null) await store.delete(key);
      }
      await index.markDeleted(request.params.id);
      request.log.info({ eventId: request.params.id, user: request.user?.username }, 'event deleted');
      return reply.code(204).send(null);
    },
  );

  const media = [
    { file: 'clip.mp4', key: 'clip', resource: 'clip' },
    { file: 'snapshot.jpg', key: 'snapshot', resource: 'snapshot' },
    { file: 'thumbnail.jpg', key: 'thumbnail', resource: 'thumbnail' },
  ] as const;
  for (const { file, key, resource } of media) {
    app.get(
      `/api/events/:id/${file}`,
      {
        schema: {
          tags: ['events'],
          summary:
            file === 'clip.mp4'
              ? 'The event clip; supports Range (206/416) for seeking, or 302 to a presigned URL when configured'
              : `The event ${resource}`,
          params: EventIdParam,
          querystring: Type.Object({ download: Type.Optional(Type.Literal('1')) }),
          produces: [file.endsWith('.mp4') ? 'video/mp4' : 'image/jpeg'],
          response: { ...errorResponses, 416: errorResponses[400] },
        },
      },
      async (request, reply) => {
        const keys = await index.keys(request.params.id);
        if (!keys) throw new NotFoundError('event', request.params.id);
        // A thumbnail is made with the clip; until then (or without one) the snapshot stands in.
        const objectKey = key === 'thumbnail' ? (keys.thumbnail ?? keys.snapshot) : keys[key];
        if (objectKey === null) throw new NotFoundError(resource, request.params.id);
        return serveObject(request, reply, store, objectKey, {
          redirect,
          resource,
          fileName: `${keys.camera}-${request.params.id}-${file}`,
        });
      },
    );
  }
}
