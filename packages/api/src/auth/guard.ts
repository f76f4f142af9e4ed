import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role, User, UserStore } from './user-store.js';
import { errorBody } from '../http/error-body.js';

export const SESSION_COOKIE = 'shiriki_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, once the guard has let the request through. */
    user: User | undefined;
  }
  interface FastifyContextConfig {
    /** Reachable without credentials (health, metrics, login). */
    public?: boolean;
    /** Role required beyond being logged in. */
    role?: Role;
  }
}

/** The anonymous admin every request runs as when `api.auth.enabled` is false (a proxy authenticates). */
const PROXY_USER: User = {
  id: 'proxy',
  username: 'proxy',
  role: 'admin',
  must_change_password: false,
  created_at: 0,
};

/**
 * Every route needs a session cookie or a bearer API token unless its config says `public`; routes with
 * `role: 'admin'` also need that role. Unauthenticated: 401 with `WWW-Authenticate`; wrong role: 403.
 */
export function installAuthGuard(app: FastifyInstance, users: UserStore, enabled: boolean): void {
  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (!enabled) {
      request.user = PROXY_USER;
      return;
    }
    request.user = await identify(request, users);
    // The web UI's files (every route outside /api) carry no data; the UI itself asks for a login. The
    // matched route decides, not the raw URL, so an encoded path cannot pass for a public one.
    const route = request.routeOptions.url;
    if (config.public || (route !== undefined && !route.startsWith('/api/'))) return;
    if (!request.user) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="shiriki"')
        .send(errorBody(401, 'Unauthorized', 'log in or send an API token'));
    }
    if (config.role === 'admin' && request.user.role !== 'admin') {
      return reply.code(403).send(errorBody(403, 'Forbidden', 'this needs the admin role'));
    }
  });
}

async function identify(request: FastifyRequest, users: UserStore): Promise<User | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ? users.userForToken(match[1]) : undefined;
  }
  const session = request.cookies[SESSION_COOKIE];
  return session ? users.userForSession(session) : undefined;
}
