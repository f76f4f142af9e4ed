import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { InvalidObjectKeyError, ObjectNotFoundError, StorageUnavailableError } from '@shiriki/storage';
import { installAuthGuard } from './auth/guard.js';
import type { ApiContext } from './context.js';
import { ApiError, TooManyRequestsError } from './errors.js';
import { errorBody } from './http/error-body.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCameraRoutes } from './routes/cameras.js';
import { registerEventRoutes } from './routes/events.js';
import { registerLiveRoutes } from './routes/live.js';
import { registerRecordingRoutes } from './routes/recordings.js';
import { registerSystemRoutes } from './routes/system.js';

export interface BuildApiAppOptions {
  /** Reported by /api/version and /api/stats. */
  version?: string;
}

export const API_VERSION = '0.1.0';

/**
 * The HTTP API as a Fastify app, not yet listening: routes, auth guard, OpenAPI document
 * (`/api/openapi.json`, docs page at `/api/docs`) and error mapping. The caller listens and closes it.
 */
export async function buildApiApp(
  ctx: ApiContext,
  options: BuildApiAppOptions = {},
): Promise<FastifyInstance> {
  const version = options.version ?? API_VERSION;
  const loggerInstance: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance,
    // Requests are counted in metrics and failures logged; a line per request would drown the rest.
    logController: new LogController({ disableRequestLogging: true }),
    // Query arrays and numbers arrive as text; coercion turns `limit=5` into a number before validation.
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // The builder's result is thrown, so it goes through the error handler like every other error.
    errorResponseBuilder: (_request, context) => {
      ctx.metrics.logins.inc({ result: 'rate_limited' });
      return new TooManyRequestsError(context.ttl);
    },
  });
  await app.register(websocket);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'shiriki API',
        version,
        description:
          'Cameras, events, clips, snapshots and recordings of a shiriki deployment. Times are Unix epoch seconds. Authenticate with the session cookie from `POST /api/auth/login` or `Authorization: Bearer <API token>`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'shiriki_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send(errorBody(400, 'Bad Request', error.message));
    }
    if (error instanceof ApiError && 'statusCode' in error && typeof error.statusCode === 'number') {
      if (error.statusCode >= 500) request.log.warn({ err: error }, 'upstream unavailable');
      return reply.code(error.statusCode).send(errorBody(error.statusCode, error.name, error.message));
    }
    if (error instanceof InvalidObjectKeyError)
      return reply.code(400).send(errorBody(400, 'Bad Request', error.message));
    if (error instanceof ObjectNotFoundError)
      return reply.code(404).send(errorBody(404, 'Not Found', 'not in the store'));
    if (error instanceof StorageUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable');
      return reply.code(503).send(errorBody(503, 'Service Unavailable', 'the object store is unavailable'));
    }
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send(errorBody(status, error.name, error.message));
    request.log.error({ err: error, route: request.routeOptions.url }, 'request failed');
    return reply
      .code(500)
      .send(errorBody(500, 'Internal Server Error', 'the request failed; the api log has the cause'));
  });
  const webDir = ctx.webDir && existsSync(join(ctx.webDir, 'index.html')) ? ctx.webDir : undefined;
  if (ctx.webDir && !webDir)
    ctx.logger.warn({ webDir: ctx.webDir }, 'no built web UI there; serving the API only');
  if (webDir) {
    // Hashed asset names never change content: cache them for good; index.html always revalidates.
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: true,
      index: 'index.html',
      setHeaders: (res, path) => {
        res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    // The UI routes its own paths (/events/..., /recordings): any other GET outside /api gets its page.
    const path = request.url.split('?')[0] ?? '/';
    if (webDir && request.method === 'GET' && !path.startsWith('/api/') && !path.includes('.')) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send(errorBody(404, 'Not Found', `no route ${request.method} ${path}`));
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    ctx.metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
  });

  installAuthGuard(app, ctx.users, ctx.config.api.auth.enabled);
  registerSystemRoutes(app, ctx, version);
  registerAuthRoutes(app, ctx);
  registerCameraRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerLiveRoutes(app, ctx);
  registerRecordingRoutes(app, ctx);
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
