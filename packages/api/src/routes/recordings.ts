import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../context.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { parseRange } from '../http/range.js';
import { toMs, toSeconds } from '../http/time.js';
import { cutRecording, listRecordings } from '../recordings.js';
import { BinaryBody, CameraParam, EpochSeconds, errorResponses } from './schemas.js';
import { errorBody } from '../http/error-body.js';

const DAY_S = 86_400;

const Window = Type.Object(
  {
    after: Type.Optional(EpochSeconds('Start (epoch seconds); default one hour before `before`.')),
    before: Type.Optional(EpochSeconds('End (epoch seconds); default now.')),
  },
  { additionalProperties: false },
);

/** The `Window` query in epoch seconds, with its defaults; throws for an empty or over-long window. */
function windowOf(query: { after?: number; before?: number }): { after: number; before: number } {
  const before = query.before ?? Date.now() / 1000;
  const after = query.after ?? before - 3600;
  if (after >= before) throw new BadRequestError('after must be earlier than before', 'after');
  if (before - after > 7 * DAY_S) throw new BadRequestError('the window is at most 7 days', 'after');
  return { after, before };
}

/** Continuous recordings: what exists for a camera, and a clip cut from them on request. */
export function registerRecordingRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { config, store, ffmpegPath, workDir } = ctx;
  const checkCamera = (name: string) => {
    if (!(name in config.cameras)) throw new NotFoundError('camera', name);
  };

  app.get(
    '/api/cameras/:camera/recordings',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Recorded chunks overlapping a window (at most 7 days)',
        params: CameraParam,
        querystring: Window,
        response: {
          200: Type.Array(
            Type.Object({
              start_time: Type.Number(),
              end_time: Type.Number(),
              duration: Type.Number(),
              size: Type.Integer(),
              partial: Type.Boolean(),
            }),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      checkCamera(request.params.camera);
      const { after, before } = windowOf(request.query);
      const chunks = await listRecordings(store, request.params.camera, toMs(after), toMs(before));
      return chunks.map((c) => ({
        start_time: toSeconds(c.start),
        end_time: toSeconds(c.end),
        duration: (c.end - c.start) / 1000,
        size: c.size,
        partial: c.partial,
      }));
    },
  );

  app.get(
    '/api/cameras/:camera/motion',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Motion periods overlapping a window (at most 7 days), as the api saw them on the bus',
        params: CameraParam,
        querystring: Window,
        response: {
          200: Type.Array(
            Type.Object({ start_time: Type.Number(), end_time: Type.Union([Type.Number(), Type.Null()]) }),
          ),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      checkCamera(request.params.camera);
      const { after, before } = windowOf(request.query);
      const periods = await ctx.index.motion(request.params.camera, toMs(after), toMs(before));
      return periods.map((p) => ({
        start_time: toSeconds(p.start),
        end_time: p.end === null ? null : toSeconds(p.end),
      }));
    },
  );

  app.get(
    '/api/cameras/:camera/clip.mp4',
    {
      schema: {
        tags: ['recordings'],
        summary: 'A clip cut from the recordings by stream copy; Range supported',
        params: CameraParam,
        querystring: Type.Object(
          {
            start: EpochSeconds('Clip start (epoch seconds).'),
            end: EpochSeconds('Clip end (epoch seconds).'),
            download: Type.Optional(Type.Literal('1')),
          },
          { additionalProperties: false },
        ),
        produces: ['video/mp4'],
        response: { 200: BinaryBody, 206: BinaryBody, ...errorResponses, 416: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const { camera } = request.params;
      checkCamera(camera);
      const { start, end } = request.query;
      if (start >= end) throw new BadRequestError('start must be earlier than end', 'start');
      if (end - start > config.api.max_recording_clip_s) {
        throw new BadRequestError(
          `a clip is at most ${config.api.max_recording_clip_s} s (api.max_recording_clip_s)`,
          'end',
        );
      }
      const clip = await cutRecording({
        store,
        ffmpegPath,
        camera,
        start: toMs(start),
        end: toMs(end),
        workDir,
      });
      try {
        const size = (await stat(clip.path)).size;
        const range = parseRange(request.headers.range, size);
        reply.header('accept-ranges', 'bytes').type('video/mp4');
        reply.header(
          'content-disposition',
          `${request.query.download ? 'attachment' : 'inline'}; filename="${camera}-${Math.floor(start)}-${Math.floor(end)}.mp4"`,
        );
        if (range.kind === 'unsatisfiable') {
          await clip.cleanup();
          reply.header('content-range', `bytes */${size}`).type('application/json');
          return reply.code(416).send(errorBody(416, 'Range Not Satisfiable', `the clip has ${size} bytes`));
        }
        const { start: from, end: to } = range.kind === 'partial' ? range : { start: 0, end: size - 1 };
        if (range.kind === 'partial') reply.code(206).header('content-range', `bytes ${from}-${to}/${size}`);
        reply.header('content-length', to - from + 1);
        const body = createReadStream(clip.path, { start: from, end: to });
        body.once('close', () => void clip.cleanup());
        return reply.send(body);
      } catch (error) {
        await clip.cleanup();
        throw error;
      }
    },
  );
}
