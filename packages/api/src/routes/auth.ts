import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../auth/guard.js';
import type { User } from '../auth/user-store.js';
import type { ApiContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { toSeconds } from '../http/time.js';
import { ErrorSchema, UserSchema, errorResponses } from './schemas.js';
import { errorBody } from '../http/error-body.js';

const publicUser = (user: User) => ({ ...user, created_at: toSeconds(user.created_at) });

const Credentials = Type.Object({
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Frigate's login body names it `user`. */
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.Number(),
  last_used_at: Type.Union([Type.Number(), Type.Null()]),
});

/** Login, logout, the caller's profile and password, users (admin) and API tokens. */
export function registerAuthRoutes(root: FastifyInstance, ctx: ApiContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { users, metrics, config } = ctx;
  const ttlSeconds = Math.round(config.api.auth.session_ttl_hours * 3600);

  app.post(
    '/api/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: config.api.auth.login_attempts_per_minute, timeWindow: 60_000 },
      },
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets the HttpOnly session cookie',
        body: Credentials,
        response: {
          200: Type.Object({ user: UserSchema }),
          400: ErrorSchema,
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const username = request.body.username ?? request.body.user ?? '';
      const user = await users.verify(username, request.body.password);
      if (!user) {
        metrics.logins.inc({ result: 'bad_credentials' });
        return reply.code(401).send(errorBody(401, 'Unauthorized', 'wrong username or password'));
      }
      metrics.logins.inc({ result: 'ok' });
      const secret = await users.createSession(user.id);
      reply.setCookie(SESSION_COOKIE, secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.api.auth.secure_cookie,
        path: '/',
        maxAge: ttlSeconds,
      });
      return { user: publicUser(user) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await users.endSession(secret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Who is logged in, if anyone (never 401: a page asks this before showing its login form)',
        response: { 200: Type.Object({ user: Type.Union([UserSchema, Type.Null()]) }) },
      },
    },
    (request) => ({ user: request.user ? publicUser(request.user) : null }),
  );

  for (const path of ['/api/auth/me', '/api/profile']) {
    app.get(
      path,
      {
        schema: {
          tags: ['auth'],
          summary: 'The logged-in user',
          ...(path === '/api/profile' ? { hide: true } : {}),
          response: { 200: UserSchema, ...errorResponses },
        },
      },
      (request) => publicUser(request.user!),
    );
  }

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: "Change the caller's password (ends their other sessions)",
        body: Type.Object({ current_password: Type.String(), new_password: Type.String() }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const me = request.user!;
      if (!(await users.verify(me.username, request.body.current_password))) {
        return reply.code(401).send(errorBody(401, 'Unauthorized', 'current password is wrong'));
      }
      await users.setPassword(me.id, request.body.new_password);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/users',
    {
      config: { role: 'admin' },
      schema: { tags: ['auth'], summary: 'Every user (admin)', response: { 200: Type.Array(UserSchema) } },
    },
    async () => (await users.list()).map(publicUser),
  );

  app.post(
    '/api/users',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Create a user (admin)',
        body: Type.Object({
          username: Type.String(),
          password: Type.String(),
          role: Type.Union([Type.Literal('admin'), Type.Literal('viewer')]),
        }),
        response: { 201: UserSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await users.create(request.body.username, request.body.password, request.body.role);
      return reply.code(201).send(publicUser(user));
    },
  );

  app.delete(
    '/api/users/:username',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['auth'],
        summary: 'Delete a user and their sessions and tokens (admin)',
        params: Type.Object({ username: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await users.findByName(request.params.username);
      if (!user) throw new NotFoundError('user', request.params.username);
      if (user.id === request.user!.id) {
        return reply.code(400).send(errorBody(400, 'Bad Request', 'you cannot delete yourself'));
      }
      await users.delete(user.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: "The caller's API tokens (without their secrets)",
        response: { 200: Type.Array(TokenInfo) },
      },
    },
    async (request) =>
      (await users.listTokens(request.user!.id)).map((t) => ({
        ...t,
        created_at: toSeconds(t.created_at),
        last_used_at: t.last_used_at === null ? null : toSeconds(t.last_used_at),
      })),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Create an API token for scripts (`Authorization: Bearer <token>`); the token is shown only here',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 201: Type.Object({ token: Type.String(), info: TokenInfo }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, info } = await users.createToken(request.user!.id, request.body.name);
      return reply.code(201).send({ token, info: { ...info, created_at: toSeconds(info.created_at) } });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke one of your API tokens',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!(await users.revokeToken(request.user!.id, request.params.id))) {
        throw new NotFoundError('token', request.params.id);
      }
      return reply.code(204).send(null);
    },
  );
}
