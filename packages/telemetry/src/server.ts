import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { TelemetryServerError } from './errors.js';
import { redactText } from './redact.js';

/** `true`/`false`, or an answer with the reason shown in the `/readyz` (or `/healthz`) body. */
export type ProbeResult = boolean | { ok: boolean; reason?: string };
export type Probe = () => ProbeResult | Promise<ProbeResult>;

export interface TelemetryServerOptions {
  /** Interface to listen on. Default `0.0.0.0`. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  registry: Registry;
  /** `/readyz` answers 200 while this is true, 503 otherwise. */
  readiness: Probe;
  /** `/healthz` answers 200 while this is true, 503 otherwise. Default: always true. */
  liveness?: Probe;
  logger: Logger;
}

export interface TelemetryServer {
  /** Base URL, e.g. `http://127.0.0.1:9464` (a wildcard host is shown as loopback). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends open connections, keep-alive ones included. */
  close(): Promise<void>;
}

const DEFAULTS = { host: '0.0.0.0', liveness: (() => true) satisfies Probe };
const JSON_TYPE = 'application/json; charset=utf-8';

/** Serves `GET /metrics` (Prometheus text), `GET /healthz` and `GET /readyz`. */
export async function startTelemetryServer(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const host = options.host ?? DEFAULTS.host;
  const logger = options.logger.child({ component: 'telemetry-server' });
  const routes: Record<string, (response: ServerResponse) => Promise<void>> = {
    '/metrics': (response) => serveMetrics(options.registry, response),
    '/healthz': (response) => serveProbe(options.liveness ?? DEFAULTS.liveness, response),
    '/readyz': (response) => serveProbe(options.readiness, response),
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'telemetry request failed');
      if (!response.headersSent) send(response, 500, JSON_TYPE, JSON.stringify({ error: 'internal error' }));
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = routes[path];
    if (route === undefined) return send(response, 404, JSON_TYPE, JSON.stringify({ error: 'not found' }));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, JSON_TYPE, JSON.stringify({ error: 'method not allowed' }));
    }
    await route(response);
  }

  try {
    server.listen(options.port, host);
    await once(server, 'listening');
  } catch (cause) {
    throw new TelemetryServerError(`cannot listen on ${host}:${options.port}`, host, options.port, { cause });
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${displayHost(host)}:${port}`;
  logger.info({ url }, 'telemetry server listening');

  return {
    url,
    port,
    close: async () => {
      if (!server.listening) return;
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

async function serveMetrics(registry: Registry, response: ServerResponse): Promise<void> {
  send(response, 200, registry.contentType, await registry.metrics());
}

async function serveProbe(probe: Probe, response: ServerResponse): Promise<void> {
  let result: { ok: boolean; reason?: string };
  try {
    const answer = await probe();
    result = typeof answer === 'boolean' ? { ok: answer } : answer;
  } catch (error) {
    result = {
      ok: false,
      reason: redactText(error instanceof Error ? error.message : String(error)),
    };
  }
  const body = result.ok
    ? { status: 'ok' }
    : { status: 'unavailable', reason: result.reason ?? 'check returned false' };
  send(response, result.ok ? 200 : 503, JSON_TYPE, JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
