import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../context.js';
import { toSeconds } from '../http/time.js';
import { StorageUsage } from '../storage-usage.js';

const DETECTORS_CONSUMER = 'detectors';

/** Health, readiness, metrics, version and `/api/stats`. */
export function registerSystemRoutes(root: FastifyInstance, ctx: ApiContext, version: string): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const usage = new StorageUsage(ctx.store);

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Liveness',
        response: { 200: Type.Object({ status: Type.String() }) },
      },
    },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Readiness: NATS connected, index open, not draining',
        response: {
          200: Type.Object({ status: Type.String() }),
          503: Type.Object({ status: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      const ready = ctx.ready() && !ctx.bus.nc.isClosed() && !ctx.bus.nc.isDraining();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
    },
  );
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    },
    async (_request, reply) => reply.type(ctx.registry.contentType).send(await ctx.registry.metrics()),
  );
  app.get(
    '/api/version',
    {
      config: { public: true },
      schema: {
        tags: ['system'],
        summary: 'Version (plain text, as Frigate answers)',
        produces: ['text/plain'],
      },
    },
    (_request, reply) => reply.type('text/plain').send(version),
  );

  app.get(
    '/api/stats',
    {
      schema: {
        tags: ['system'],
        summary: 'Services and instances, cameras, detector backlog, index and storage use',
        response: {
          200: Type.Object({
            time: Type.Number(),
            version: Type.String(),
            services: Type.Record(
              Type.String(),
              Type.Array(
                Type.Object({
                  instance: Type.String(),
                  state: Type.String(),
                  started_at: Type.Number(),
                  last_seen: Type.Number(),
                  busy_ratio: Type.Union([Type.Number(), Type.Null()], {
                    description: 'Fraction of the last interval spent working (detectors: in the model).',
                  }),
                }),
              ),
            ),
            cameras: Type.Record(
              Type.String(),
              Type.Object({
                state: Type.String(),
                owner: Type.Union([Type.String(), Type.Null()]),
                fps_in: Type.Number(),
                frames_published: Type.Integer(),
                frames_dropped: Type.Integer(),
                restarts: Type.Integer(),
                motion_active: Type.Boolean(),
              }),
            ),
            detector: Type.Object({
              backlog: Type.Union([Type.Integer(), Type.Null()], {
                description: 'Frames waiting for a detector.',
              }),
              in_flight: Type.Union([Type.Integer(), Type.Null()]),
              redelivered: Type.Union([Type.Integer(), Type.Null()]),
            }),
            index: Type.Object({
              events: Type.Integer(),
              backlog: Type.Object({
                events: Type.Union([Type.Integer(), Type.Null()]),
                clips: Type.Union([Type.Integer(), Type.Null()]),
              }),
            }),
            storage: Type.Object({
              kind: Type.String(),
              bytes: Type.Union([Type.Number(), Type.Null()]),
              objects: Type.Union([Type.Integer(), Type.Null()]),
              measured_at: Type.Union([Type.Number(), Type.Null()]),
            }),
          }),
        },
      },
    },
    async () => {
      const services: Record<
        string,
        Array<{
          instance: string;
          state: string;
          started_at: number;
          last_seen: number;
          busy_ratio: number | null;
        }>
      > = {};
      for (const s of ctx.board.instances()) {
        (services[s.service] ??= []).push({
          instance: s.instance,
          state: s.state,
          started_at: toSeconds(s.started_at),
          last_seen: toSeconds(s.seen_at),
          busy_ratio: s.busy_ratio ?? null,
        });
      }
      const cameras: Record<
        string,
        {
          state: string;
          owner: string | null;
          fps_in: number;
          frames_published: number;
          frames_dropped: number;
          restarts: number;
          motion_active: boolean;
        }
      > = {};
      for (const name of Object.keys(ctx.config.cameras).sort()) {
        const s = ctx.board.camera(name);
        cameras[name] = {
          state: s?.state ?? 'unknown',
          owner: s?.owner ?? null,
          fps_in: s?.fps_in ?? 0,
          frames_published: s?.frames_published ?? 0,
          frames_dropped: s?.frames_dropped ?? 0,
          restarts: s?.restarts ?? 0,
          motion_active: ctx.board.motion(name)?.active ?? s?.motion_active ?? false,
        };
      }
      const detectors = await ctx.bus.jsm.consumers
        .info(ctx.subjects.streams.frames, DETECTORS_CONSUMER)
        .catch(() => undefined);
      const backlog = (await ctx.indexer?.backlog()) ?? { events: undefined, clips: undefined };
      const storage = usage.current();
      return {
        time: toSeconds(Date.now()),
        version,
        services,
        cameras,
        detector: {
          backlog: detectors?.num_pending ?? null,
          in_flight: detectors?.num_ack_pending ?? null,
          redelivered: detectors?.num_redelivered ?? null,
        },
        index: {
          events: await ctx.index.count(),
          backlog: { events: backlog.events ?? null, clips: backlog.clips ?? null },
        },
        storage: {
          kind: ctx.store.kind,
          bytes: storage?.bytes ?? null,
          objects: storage?.objects ?? null,
          measured_at: storage ? toSeconds(storage.measuredAt) : null,
        },
      };
    },
  );
}
