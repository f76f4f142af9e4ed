import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import WebSocket from 'ws';
import { Go2rtcUnavailableError, type Go2rtcStream } from '@shiriki/go2rtc';
import type { ApiContext } from '../context.js';
import { SwitchConflictError } from '@shiriki/bus';
import { BadRequestError, NotFoundError, UpstreamUnavailableError } from '../errors.js';
import { toSeconds } from '../http/time.js';
import { BinaryBody, CameraParam, errorResponses } from './schemas.js';

const StreamSchema = Type.Object({
  name: Type.String(),
  camera: Type.Boolean({ description: 'The stream is one of the configured cameras.' }),
  rtsp_url: Type.String({ description: 'Restream URL (no credentials: go2rtc holds them).' }),
  online: Type.Boolean({ description: 'A producer is connected to the source.' }),
  producers: Type.Integer(),
  consumers: Type.Integer(),
  codecs: Type.Array(Type.String()),
});

const CameraSchema = Type.Object({
  name: Type.String(),
  enabled: Type.Boolean(),
  status: Type.Union(
    [
      Type.Literal('online'),
      Type.Literal('starting'),
      Type.Literal('stalled'),
      Type.Literal('offline'),
      Type.Literal('unknown'),
    ],
    { description: 'From the owning ingest worker; unknown when no worker has reported it.' },
  ),
  reason: Type.Union([Type.String(), Type.Null()]),
  owner: Type.Union([Type.String(), Type.Null()], { description: 'Ingest instance holding the camera.' }),
  fps_in: Type.Number(),
  frames_dropped: Type.Integer(),
  restarts: Type.Integer(),
  detect: Type.Object({ width: Type.Integer(), height: Type.Integer(), fps: Type.Number() }),
  motion: Type.Object({
    active: Type.Boolean(),
    last_started_at: Type.Union([Type.Number(), Type.Null()]),
    last_ended_at: Type.Union([Type.Number(), Type.Null()]),
  }),
  last_event_at: Type.Union([Type.Number(), Type.Null()]),
  zones: Type.Array(Type.String()),
  labels: Type.Array(Type.String()),
});

const SwitchesSchema = Type.Object({
  detect: Type.Boolean({ description: 'Frames go to the detectors.' }),
  motion: Type.Boolean({ description: 'Motion detection runs; cannot be off while detect is on.' }),
  recordings: Type.Boolean({ description: 'Events get clips.' }),
  snapshots: Type.Boolean({ description: 'Events keep a best snapshot.' }),
});

function rtspBase(rtspUrl: string): string {
  const url = new URL(rtspUrl);
  url.username = '';
  url.password = '';
  return `${url.protocol}//${url.host}/`;
}

/** go2rtc streams, cameras with their live status, and go2rtc's live media proxied behind the api's auth. */
export function registerCameraRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { config, go2rtc, board, index, switches } = ctx;
  const base = rtspBase(config.go2rtc.rtsp_url);
  const cameraOf = (name: string) => {
    const camera = config.cameras[name];
    if (!camera) throw new NotFoundError('camera', name);
    return camera;
  };
  const listStreams = async (): Promise<Record<string, Go2rtcStream>> => {
    try {
      return await go2rtc.listStreams();
    } catch (error) {
      if (error instanceof Go2rtcUnavailableError) throw new UpstreamUnavailableError('go2rtc', error);
      throw error;
    }
  };

  app.get(
    '/api/cameras/:camera/switches',
    {
      schema: {
        tags: ['cameras'],
        summary: "The camera's run-time switches (the same as MQTT's <camera>/<switch>/state)",
        params: CameraParam,
        response: { 200: SwitchesSchema, ...errorResponses },
      },
    },
    async (request) => {
      cameraOf(request.params.camera);
      return switches.get(request.params.camera);
    },
  );

  app.put(
    '/api/cameras/:camera/switches',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['cameras'],
        summary:
          'Turn detect, motion, recordings or snapshots on or off at run time (admin); the others stay',
        params: CameraParam,
        body: Type.Partial(SwitchesSchema, { minProperties: 1, additionalProperties: false }),
        response: { 200: SwitchesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { camera } = request.params;
      cameraOf(camera);
      try {
        const states = await switches.set(camera, request.body, `api:${request.user?.username ?? 'unknown'}`);
        request.log.info(
          { camera, change: request.body, user: request.user?.username },
          'camera switches set',
        );
        return states;
      } catch (error) {
        if (error instanceof SwitchConflictError) throw new BadRequestError(error.message, 'motion');
        throw error;
      }
    },
  );

  app.get(
    '/api/streams',
    {
      schema: {
        tags: ['cameras'],
        summary: "go2rtc's streams, read live, with their health and RTSP restream URL",
        response: {
          200: Type.Object({ streams: Type.Array(StreamSchema), rtsp_url_base: Type.String() }),
          ...errorResponses,
          503: errorResponses[400],
        },
      },
    },
    async () => {
      const streams = await listStreams();
      return {
        rtsp_url_base: base,
        streams: Object.entries(streams)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, s]) => {
            const connected = s.producers.filter((p) => p.state === 'connected');
            const codecs = new Set(
              connected.flatMap((p) => p.receivers.map((r) => r.codec?.name).filter((c): c is string => !!c)),
            );
            return {
              name,
              camera: name in config.cameras,
              rtsp_url: `${base}${name}`,
              online: connected.length > 0,
              producers: s.producers.length,
              consumers: s.consumers.length,
              codecs: [...codecs].sort(),
            };
          }),
      };
    },
  );

  const cameraBody = (name: string, lastEvents: Map<string, number>) => {
    const camera = cameraOf(name);
    const status = board.camera(name);
    const motion = board.motion(name);
    return {
      name,
      enabled: camera.enabled,
      status: !status
        ? ('unknown' as const)
        : status.state === 'streaming'
          ? ('online' as const)
          : status.state,
      reason: status?.reason ?? null,
      owner: status?.owner ?? null,
      fps_in: status?.fps_in ?? 0,
      frames_dropped: status?.frames_dropped ?? 0,
      restarts: status?.restarts ?? 0,
      detect: { width: camera.detect.width, height: camera.detect.height, fps: camera.detect.fps },
      motion: {
        active: motion?.active ?? status?.motion_active ?? false,
        last_started_at: motion ? toSeconds(motion.last_started_at) : null,
        last_ended_at: motion?.last_ended_at ? toSeconds(motion.last_ended_at) : null,
      },
      last_event_at: lastEvents.has(name) ? toSeconds(lastEvents.get(name)!) : null,
      zones: Object.keys(camera.zones),
      labels: camera.objects.track,
    };
  };

  app.get(
    '/api/cameras',
    {
      schema: {
        tags: ['cameras'],
        summary: 'Cameras with their status',
        response: { 200: Type.Array(CameraSchema) },
      },
    },
    async () => {
      const lastEvents = await index.lastEventTimes();
      return Object.keys(config.cameras)
        .sort()
        .map((name) => cameraBody(name, lastEvents));
    },
  );

  app.get(
    '/api/cameras/:camera',
    {
      schema: {
        tags: ['cameras'],
        summary: 'One camera',
        params: CameraParam,
        response: { 200: CameraSchema, ...errorResponses },
      },
    },
    async (request) => cameraBody(request.params.camera, await index.lastEventTimes()),
  );

  app.get(
    '/api/cameras/:camera/latest.jpg',
    {
      schema: {
        tags: ['cameras'],
        summary: 'A current frame from go2rtc',
        params: CameraParam,
        querystring: Type.Object({ height: Type.Optional(Type.Integer({ minimum: 16, maximum: 4320 })) }),
        produces: ['image/jpeg'],
        response: { 200: BinaryBody, ...errorResponses, 503: errorResponses[400] },
      },
    },
    async (request, reply) => {
      cameraOf(request.params.camera);
      let jpeg: Buffer;
      try {
        jpeg = await go2rtc.snapshot(request.params.camera, {
          ...(request.query.height ? { height: request.query.height } : {}),
          timeoutMs: 15_000,
        });
      } catch (error) {
        throw new UpstreamUnavailableError('go2rtc', error);
      }
      return reply.header('cache-control', 'no-store').type('image/jpeg').send(jpeg);
    },
  );

  // Live media: go2rtc's fragmented MP4 over HTTP (plays in a <video> element) and its MSE/WebRTC
  // websocket, both proxied so go2rtc itself stays on loopback.
  const go2rtcUrl = new URL(config.go2rtc.api_url);
  const upstreamAuth =
    go2rtcUrl.username !== ''
      ? `Basic ${Buffer.from(`${decodeURIComponent(go2rtcUrl.username)}:${decodeURIComponent(go2rtcUrl.password)}`).toString('base64')}`
      : undefined;
  go2rtcUrl.username = '';
  go2rtcUrl.password = '';
  const upstream = (path: string, camera: string, protocol: 'http' | 'ws') => {
    const url = new URL(path, go2rtcUrl);
    url.searchParams.set('src', camera);
    if (protocol === 'ws') url.protocol = go2rtcUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    return url;
  };

  app.get(
    '/api/cameras/:camera/stream.mp4',
    {
      schema: {
        tags: ['cameras'],
        summary: 'Live fragmented MP4 from go2rtc (for a <video> element)',
        params: CameraParam,
        produces: ['video/mp4'],
      },
    },
    async (request, reply) => {
      cameraOf(request.params.camera);
      const abort = new AbortController();
      request.raw.once('close', () => abort.abort());
      let response: Response;
      try {
        response = await fetch(upstream('api/stream.mp4', request.params.camera, 'http'), {
          signal: abort.signal,
          ...(upstreamAuth ? { headers: { authorization: upstreamAuth } } : {}),
        });
      } catch (error) {
        throw new UpstreamUnavailableError('go2rtc', error);
      }
      if (!response.ok || !response.body) throw new UpstreamUnavailableError('go2rtc');
      reply.header('cache-control', 'no-store').type(response.headers.get('content-type') ?? 'video/mp4');
      return reply.send(Readable.fromWeb(response.body));
    },
  );

  app.get(
    '/api/cameras/:camera/ws',
    {
      websocket: true,
      schema: {
        tags: ['cameras'],
        summary: "go2rtc's live websocket (MSE and WebRTC signalling), proxied",
        params: CameraParam,
      },
    },
    (socket, request) => {
      const { camera } = request.params;
      if (!(camera in config.cameras)) {
        socket.close(4404, 'unknown camera');
        return;
      }
      const peer = new WebSocket(upstream('api/ws', camera, 'ws'), {
        ...(upstreamAuth ? { headers: { authorization: upstreamAuth } } : {}),
      });
      const pending: Array<[WebSocket.RawData, boolean]> = [];
      socket.on('message', (data: WebSocket.RawData, binary: boolean) => {
        if (peer.readyState === WebSocket.OPEN) peer.send(data, { binary });
        else pending.push([data, binary]);
      });
      peer.on('open', () => {
        for (const [data, binary] of pending.splice(0)) peer.send(data, { binary });
      });
      peer.on('message', (data, binary) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary });
      });
      const closeBoth = () => {
        if (socket.readyState === WebSocket.OPEN) socket.close();
        if (peer.readyState === WebSocket.OPEN || peer.readyState === WebSocket.CONNECTING) peer.terminate();
      };
      peer.on('close', closeBoth);
      peer.on('error', (error) => {
        request.log.warn({ err: error, camera }, 'go2rtc websocket failed');
        closeBoth();
      });
      socket.on('close', closeBoth);
    },
  );
}
