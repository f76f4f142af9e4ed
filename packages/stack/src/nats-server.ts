import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk } from './http.js';
import { freePort, LOOPBACK } from './ports.js';
import { ServerProcess, serverHandle, startOrDispose, type ServerHandle } from './server-process.js';
import { makeTempDir } from './temp.js';
import { resolveTool } from './tools.js';

export interface NatsServerOptions {
  /** Enable JetStream (`-js`), stored in `storeDir`. Default true. */
  jetstream?: boolean;
  /** Client port. Default: a free port. */
  port?: number;
  /** HTTP monitoring port. Default: a free port. */
  monitorPort?: number;
  /** JetStream store directory. Default `<tempDir>/store`; a directory given here is never removed. */
  storeDir?: string;
  /** `server_name`. Default `shiriki-<port>`. */
  serverName?: string;
  /** Serve MQTT on this port too (nats-server's MQTT listener; needs JetStream). Default: no MQTT. */
  mqttPort?: number;
  /** More nats-server arguments, appended to the generated ones (for example cluster flags). */
  args?: readonly string[];
  /** Monitoring path polled until it answers 2xx. Default `/healthz` (JetStream included when enabled). */
  readyPath?: string;
  /** Keep the temporary directory (store and log) after `dispose()`, for post-mortems. Default false. */
  keepData?: boolean;
  /** Default 15 000 ms. */
  readyTimeoutMs?: number;
}

export const NATS_SERVER_DEFAULTS = {
  jetstream: true,
  readyPath: '/healthz',
  keepData: false,
  readyTimeoutMs: 15_000,
  termGraceMs: 5_000,
} as const;

/** A nats-server on 127.0.0.1. `stop()`/`start()` keep port and data; `dispose()` also removes the temp dir. */
export interface NatsServer extends ServerHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly monitorPort: number;
  /** `http://127.0.0.1:<monitorPort>`: /varz, /jsz, /routez, /healthz. */
  readonly monitorUrl: string;
  readonly serverName: string;
  /** Holds the log file and, by default, the JetStream store. */
  readonly tempDir: string;
  readonly storeDir: string;
  /** stdout and stderr of every run of this server. */
  readonly logFile: string;
  /** The MQTT listener's port, when `mqttPort` was given. */
  readonly mqttPort: number | undefined;
}

/** Starts nats-server and resolves once its monitoring endpoint reports it healthy. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  return startOrDispose(await createNatsServer(options));
}

/** Like `startNatsServer` without starting it: the cluster starts its nodes together. */
export async function createNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const { jetstream, readyPath, keepData, readyTimeoutMs, termGraceMs } = {
    ...NATS_SERVER_DEFAULTS,
    ...options,
  };
  const command = resolveTool('nats-server');
  const port = options.port ?? (await freePort());
  const monitorPort = options.monitorPort ?? (await freePort());
  const serverName = options.serverName ?? `shiriki-${port}`;
  const tempDir = makeTempDir('nats', { keep: keepData });
  const storeDir = options.storeDir ?? join(tempDir, 'store');
  const logFile = join(tempDir, 'nats-server.log');
  const monitorUrl = `http://${LOOPBACK}:${monitorPort}`;
  // The MQTT listener has no command-line flag: it comes from a config file, the rest from the flags.
  const configFile = join(tempDir, 'mqtt.conf');
  if (options.mqttPort !== undefined)
    writeFileSync(configFile, `mqtt {\n  host: "${LOOPBACK}"\n  port: ${options.mqttPort}\n}\n`);
  const args = [
    ...(options.mqttPort === undefined ? [] : ['-c', configFile]),
    ...['--addr', LOOPBACK, '--port', String(port), '--http_port', String(monitorPort)],
    ...['--server_name', serverName],
    ...(jetstream ? ['--jetstream', '--store_dir', storeDir] : []),
    ...(options.args ?? []),
  ];
  const proc = new ServerProcess({
    name: `nats-server[${serverName}]`,
    command,
    args,
    logFile,
    isReady: () => httpOk(`${monitorUrl}${readyPath}`),
    readyTimeoutMs,
    termGraceMs,
  });
  const server: NatsServer = serverHandle(
    proc,
    {
      url: `nats://${LOOPBACK}:${port}`,
      port,
      monitorPort,
      monitorUrl,
      serverName,
      tempDir,
      storeDir,
      logFile,
      mqttPort: options.mqttPort,
    },
    { tempDir, keepData },
  );
  return server;
}
