import { readFile } from 'node:fs/promises';
import { connect } from '@nats-io/transport-node';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
  type Status,
} from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { BusConnectError } from './errors.js';
import { redactServerUrl, type LogSink } from '@shiriki/telemetry';

/** The `nats` section of the YAML config, camelCased. */
export interface BusConnectionOptions {
  /** `nats://host:4222` URLs; credentials in them are never logged. */
  servers: string[];
  /** Client name shown by the server's monitoring; overrides the service name. */
  name?: string;
  user?: string;
  password?: string;
  token?: string;
  /** NKEY seed (`SU...`) for nkey authentication. */
  nkeySeed?: string;
  /** Path of a `.creds` file (JWT + seed) for decentralised auth. */
  credsFile?: string;
  /** Presence turns TLS on; files are PEM. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export interface ConnectBusContext {
  logger: LogSink;
  /** Service name, used as the client name unless the options set one. */
  name: string;
  /** Pause between reconnect attempts to the same server. */
  reconnectTimeWaitMs?: number;
  /** Keep trying until the first connection succeeds, so a service can start before NATS. */
  waitOnFirstConnect?: boolean;
}

export const CONNECT_DEFAULTS = {
  reconnectTimeWaitMs: 2_000,
  reconnectJitterMs: 500,
  pingIntervalMs: 20_000,
  maxPingOut: 3,
  waitOnFirstConnect: true,
} as const;

/** A connection and the JetStream handles every service needs. */
export interface Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly kvm: Kvm;
  /** Servers as logged: without credentials. */
  readonly servers: readonly string[];
  /** Flushes pending publishes, lets subscriptions finish, then closes. Safe to call twice. */
  drain(): Promise<void>;
}

/**
 * Connects to NATS and reconnects forever. With `waitOnFirstConnect` (the default) the returned promise
 * resolves once a server answers, however long that takes; otherwise it rejects with
 * {@link BusConnectError} when no server can be reached. Status changes are logged with redacted URLs.
 */
export async function connectBus(options: BusConnectionOptions, context: ConnectBusContext): Promise<Bus> {
  const { logger } = context;
  const servers = options.servers.map(redactServerUrl);
  const authenticators = await buildAuthenticators(options, servers);
  const waitOnFirstConnect = context.waitOnFirstConnect ?? CONNECT_DEFAULTS.waitOnFirstConnect;
  logger.info({ servers, waitOnFirstConnect }, 'connecting to NATS');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name ?? context.name,
      user: options.user,
      pass: options.password,
      token: options.token,
      authenticator: authenticators.length > 0 ? authenticators : undefined,
      tls: options.tls ? { ...options.tls } : undefined,
      maxReconnectAttempts: -1,
      reconnectTimeWait: context.reconnectTimeWaitMs ?? CONNECT_DEFAULTS.reconnectTimeWaitMs,
      reconnectJitter: CONNECT_DEFAULTS.reconnectJitterMs,
      pingInterval: CONNECT_DEFAULTS.pingIntervalMs,
      maxPingOut: CONNECT_DEFAULTS.maxPingOut,
      waitOnFirstConnect,
    });
  } catch (cause) {
    const reason = cause instanceof Error ? scrub(cause.message, options) : 'unknown error';
    throw new BusConnectError(`could not connect to NATS at ${servers.join(', ')}: ${reason}`, servers, {
      cause,
    });
  }
  logger.info({ server: redactServerUrl(nc.getServer()) }, 'connected to NATS');
  void logStatus(nc, logger);
  const js = jetstream(nc);
  return {
    nc,
    js,
    jsm: await jetstreamManager(nc, { checkAPI: false }),
    kvm: new Kvm(js),
    servers,
    drain: async () => {
      if (nc.isClosed()) return;
      if (!nc.isDraining()) await nc.drain();
      await nc.closed();
    },
  };
}

async function buildAuthenticators(
  options: BusConnectionOptions,
  servers: readonly string[],
): Promise<Authenticator[]> {
  const authenticators: Authenticator[] = [];
  if (options.nkeySeed) authenticators.push(nkeyAuthenticator(new TextEncoder().encode(options.nkeySeed)));
  if (options.credsFile) {
    try {
      authenticators.push(credsAuthenticator(await readFile(options.credsFile)));
    } catch (cause) {
      throw new BusConnectError(`could not read NATS creds file ${options.credsFile}`, servers, { cause });
    }
  }
  return authenticators;
}

async function logStatus(nc: NatsConnection, logger: LogSink): Promise<void> {
  for await (const status of nc.status()) logStatusEvent(status, logger);
}

function logStatusEvent(status: Status, logger: LogSink): void {
  switch (status.type) {
    case 'disconnect':
      logger.warn({ server: redactServerUrl(status.server) }, 'disconnected from NATS');
      break;
    case 'reconnect':
      logger.info({ server: redactServerUrl(status.server) }, 'reconnected to NATS');
      break;
    case 'reconnecting':
      logger.debug({}, 'reconnecting to NATS');
      break;
    case 'error':
      logger.error({ err: status.error }, 'NATS connection error');
      break;
    case 'staleConnection':
      logger.warn({}, 'NATS connection is stale, reconnecting');
      break;
    case 'ldm':
      logger.warn({ server: redactServerUrl(status.server) }, 'NATS server entered lame duck mode');
      break;
    case 'slowConsumer':
      logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'NATS slow consumer');
      break;
    case 'update':
      logger.info(
        { added: status.added?.map(redactServerUrl), deleted: status.deleted?.map(redactServerUrl) },
        'NATS cluster changed',
      );
      break;
    case 'close':
      logger.info({}, 'NATS connection closed');
      break;
    case 'ping':
    case 'forceReconnect':
      break;
  }
}

/** Server errors should not echo secrets, but the message travels far; make sure. */
function scrub(message: string, options: BusConnectionOptions): string {
  let text = message;
  for (const secret of [options.password, options.token, options.nkeySeed]) {
    if (secret) text = text.split(secret).join('***');
  }
  return text;
}
