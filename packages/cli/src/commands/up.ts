import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { CONFIG_OVERLAY_ENV, loadConfig, resolveConfigPath, type ShirikiConfig } from '@shiriki/config';
import { renderGo2rtcConfig } from '@shiriki/go2rtc';
import { resolveFfmpegPath } from '@shiriki/process';
import {
  LOOPBACK,
  Supervisor,
  freePort,
  httpOk,
  preferredPort,
  repoRoot,
  resolveTool,
  waitFor,
  type ProcessSpec,
} from '@shiriki/stack';
import { ANNOUNCE_ENV, INITIAL_ADMIN_PASSWORD_FILE, WEB_DIR_ENV } from '@shiriki/api/first-admin';
import { UP_DIR, configArgv, upOverlayPath } from './load.js';
import { authorizationBlock, builtInMqttLogin, mqttBlock, tlsBlock } from './nats-server-config.js';
import { SERVICES, serviceEntry, type ServiceName } from './service.js';

export interface UpOptions {
  config?: string | undefined;
  /** Overrides `data_dir` of the config. */
  dataDir?: string | undefined;
  /** Stop after this long (tests, the demo with --duration); run until SIGINT/SIGTERM when undefined. */
  durationS?: number | undefined;
  /** Called with each line `up` prints; default console.log. */
  print?: (line: string) => void;
  /**
   * Called once everything is ready, with the config as the services see it (`up`'s servers filled in);
   * what it returns runs before the services stop. The demo watches the bus this way.
   */
  onReady?: (config: ShirikiConfig) => Promise<() => Promise<void>>;
}

/**
 * The services `up` runs, in start order, after NATS and go2rtc; they stop in the same order (ingest first:
 * no new frames). The MQTT bridge runs only with `mqtt.enabled`.
 */
export const UP_SERVICES = SERVICES;

export function upServices(config: ShirikiConfig): ServiceName[] {
  return UP_SERVICES.filter((service) => service !== 'mqtt' || config.mqtt.enabled);
}
/** The overlay `up` writes for its services; `tail` and `config show` read it to find what `up` runs. */

const NATS_PORT = 4222;
const GO2RTC_API_PORT = 1984;
const GO2RTC_RTSP_PORT = 8554;
const SERVICE_READY_TIMEOUT_MS = 120_000;

/**
 * `shiriki up`: everything one box needs, supervised as child processes that die with it: nats-server with
 * JetStream in the data directory (unless the config names NATS servers), go2rtc with a config generated from
 * the cameras (unless the config names a go2rtc), and the services. Crashed children restart with backoff;
 * SIGINT or SIGTERM stops the services first (each drains), then go2rtc, then NATS.
 */
export async function up(options: UpOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const configPath = resolveConfigPath(configArgv(options.config), process.env);
  const written = await explicitSections(configPath);
  let config = await loadConfig(configPath, { overlayPath: null });
  const dataDir = resolve(options.dataDir ?? config.data_dir);
  const upDir = join(dataDir, UP_DIR);
  const logDir = join(dataDir, 'logs');
  await mkdir(upDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  print(`shiriki up: config ${configPath}, data in ${dataDir}`);

  const supervisor = new Supervisor();
  supervisor.on('crashed', ({ name, exit, restartInMs, restarts }) =>
    print(
      `  ${name} exited (${exit.signal ?? `code ${exit.code}`}); restarting in ${(restartInMs / 1000).toFixed(1)} s (restart ${restarts}), log ${join(logDir, `${name}.log`)}`,
    ),
  );
  supervisor.on('ready', ({ name, pid, restarts }) => {
    if (restarts > 0) print(`  ${name} is back (pid ${pid})`);
  });
  const stopOrder = [...UP_SERVICES, 'go2rtc', 'nats'];
  const stopping = waitForStop(options.durationS);
  let stopWatching: (() => Promise<void>) | undefined;
  try {
    const overlay: Record<string, unknown> = { data_dir: dataDir };
    const summary: string[] = [];

    // MQTT without a broker of the user's: nats-server's own MQTT listener, no extra process.
    const builtInMqtt = config.mqtt.enabled && config.mqtt.host === undefined;
    if (builtInMqtt && written.natsServers)
      throw new Error(
        'mqtt.enabled is set without mqtt.host, and nats.servers names a NATS that shiriki up does not run: set mqtt.host (your broker), or enable MQTT on that nats-server and point mqtt.host at it',
      );
    if (written.natsServers) {
      summary.push(`NATS     ${config.nats.servers.join(', ')} (from the config)`);
    } else {
      const { port, moved } = await preferredPort(NATS_PORT);
      if (moved)
        print(`  port ${NATS_PORT} is taken on ${LOOPBACK} (another NATS?); shiriki's NATS uses ${port}`);
      let mqttPort: number | undefined;
      if (builtInMqtt) {
        const mqtt = await preferredPort(config.mqtt.port);
        if (mqtt.moved)
          print(
            `  port ${config.mqtt.port} is taken on ${LOOPBACK} (another broker?); shiriki's MQTT uses ${mqtt.port}`,
          );
        mqttPort = mqtt.port;
        overlay.mqtt = { host: LOOPBACK, port: mqttPort, ...builtInMqttLogin(config.nats) };
      }
      const url = `nats://${LOOPBACK}:${port}`;
      print(`  starting nats-server on ${url} (JetStream in ${join(dataDir, 'nats')})`);
      await supervisor.start(await natsSpec(config, port, dataDir, logDir, upDir, mqttPort));
      overlay.nats = { servers: [url] };
      summary.push(`NATS     ${url}`);
      if (mqttPort !== undefined)
        summary.push(
          `MQTT     mqtt://${LOOPBACK}:${mqttPort} (nats-server's MQTT listener; topics under ${config.mqtt.topic_prefix}/)`,
        );
    }
    if (config.mqtt.enabled && !builtInMqtt)
      summary.push(`MQTT     ${config.mqtt.host}:${config.mqtt.port} (from the config)`);

    if (written.go2rtcApi) {
      summary.push(`go2rtc   ${config.go2rtc.api_url} (from the config)`);
    } else {
      const api = await preferredPort(GO2RTC_API_PORT);
      const rtsp = await preferredPort(GO2RTC_RTSP_PORT);
      if (api.moved || rtsp.moved)
        print(`  go2rtc's default ports are taken; it uses ${api.port} (API) and ${rtsp.port} (RTSP)`);
      const apiUrl = `http://${LOOPBACK}:${api.port}`;
      print(`  starting go2rtc on ${apiUrl} with ${Object.keys(config.cameras).length} cameras`);
      await supervisor.start(await go2rtcSpec(config, configPath, api.port, rtsp.port, upDir, logDir));
      overlay.go2rtc = { api_url: apiUrl, rtsp_url: `rtsp://${LOOPBACK}:${rtsp.port}` };
      summary.push(`go2rtc   ${apiUrl} (RTSP rtsp://${LOOPBACK}:${rtsp.port}/<camera>)`);
    }

    // The api listens on loopback unless the file says otherwise; a taken default port moves, a chosen one
    // is the user's to keep free.
    const apiHost = written.apiHost ? config.api.host : LOOPBACK;
    const apiPort = written.apiPort ? config.api.port : (await preferredPort(config.api.port)).port;
    if (apiPort !== config.api.port) print(`  port ${config.api.port} is taken; the api uses ${apiPort}`);
    overlay.api = { host: apiHost, port: apiPort };
    // The services' metrics listen on all interfaces by default (a Prometheus in another pod scrapes them);
    // on one box they stay on loopback unless the file says otherwise.
    if (!written.metricsHost) overlay.telemetry = { metrics_host: LOOPBACK };

    const overlayPath = upOverlayPath(dataDir);
    await writeFile(
      overlayPath,
      `# Written by shiriki up: the servers it runs. Do not edit.\n${stringify(overlay)}`,
      // It can hold the built-in MQTT listener's login.
      { mode: 0o600 },
    );
    config = await loadConfig(configPath, { overlayPath });

    for (const service of upServices(config)) {
      const port = await freePort();
      print(`  starting ${service}`);
      await supervisor.start(serviceSpec(service, configPath, overlayPath, port, logDir));
      summary.push(`${service.padEnd(8)} http://${LOOPBACK}:${port}/metrics`);
    }
    const apiUrl = `http://${apiHost === '0.0.0.0' ? LOOPBACK : apiHost}:${apiPort}`;
    summary.push(`web/API  ${apiUrl}  (API docs ${apiUrl}/api/docs)`);
    const firstLogin = await readFile(join(dataDir, 'api', INITIAL_ADMIN_PASSWORD_FILE), 'utf8').catch(
      () => undefined,
    );
    if (firstLogin !== undefined) {
      summary.push(
        `login    admin / ${firstLogin.trim()}  (first start; change it, then this line goes away)`,
      );
    }

    const store =
      config.storage.type === 'local'
        ? `${config.storage.local.path} (events/<camera>/<day>/<event>/clip.mp4, snapshot.jpg)`
        : `s3 bucket ${config.storage.s3.bucket} at ${config.storage.s3.endpoint}`;
    print(
      [
        'shiriki is up:',
        ...summary.map((line) => `  ${line}`),
        `  data     ${dataDir}`,
        `  clips    ${store}`,
        `  logs     ${logDir}`,
        `  watch    shiriki tail --config ${configPath}`,
        'Ctrl-C stops everything.',
      ].join('\n'),
    );
    stopWatching = await options.onReady?.(config);
    await stopping.promise;
  } finally {
    stopping.cancel();
    await stopWatching?.();
    print('shiriki up: stopping (services drain first)');
    await supervisor.stop(stopOrder);
    // Nothing runs at the addresses it names any more; `tail` falls back to the config's servers.
    await rm(upOverlayPath(dataDir), { force: true });
    print('shiriki up: stopped');
  }
}

/** Which servers the config file names itself; those `up` leaves alone. */
async function explicitSections(configPath: string): Promise<{
  natsServers: boolean;
  go2rtcApi: boolean;
  apiHost: boolean;
  apiPort: boolean;
  metricsHost: boolean;
}> {
  // The raw document, before defaults: a default NATS URL must not count as the user's choice.
  let document: unknown;
  try {
    document = parse(await readFile(configPath, 'utf8'));
  } catch {
    document = undefined; // loadConfig reports the problem with its line
  }
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = (document as Record<string, unknown> | null | undefined)?.[key];
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  };
  return {
    natsServers: section('nats')?.['servers'] !== undefined,
    go2rtcApi: section('go2rtc')?.['api_url'] !== undefined,
    apiHost: section('api')?.['host'] !== undefined,
    apiPort: section('api')?.['port'] !== undefined,
    metricsHost: section('telemetry')?.['metrics_host'] !== undefined,
  };
}

async function natsSpec(
  config: ShirikiConfig,
  port: number,
  dataDir: string,
  logDir: string,
  upDir: string,
  mqttPort: number | undefined,
): Promise<ProcessSpec> {
  const monitorPort = await freePort();
  const storeDir = join(dataDir, 'nats');
  await mkdir(storeDir, { recursive: true });
  // The MQTT listener has no command-line flag, and credentials must not show in `ps`: both go in a file
  // only its owner reads. The rest stays on the command line, which wins over the file.
  const configFile = join(upDir, 'nats-server.conf');
  const blocks = [
    authorizationBlock(config.nats),
    tlsBlock(config.nats),
    ...(mqttPort === undefined ? [] : [mqttBlock(mqttPort)]),
  ].join('');
  await writeFile(configFile, `# Written by shiriki up.\n${blocks}`, { mode: 0o600 });
  return {
    name: 'nats',
    command: resolveTool('nats-server'),
    args: [
      ...['-c', configFile],
      ...['-a', LOOPBACK, '-p', String(port), '-m', String(monitorPort)],
      ...['-js', '-sd', storeDir, '--server_name', 'shiriki-up'],
    ],
    logFile: join(logDir, 'nats.log'),
    ready: (signal) => waitUntilOk(`http://${LOOPBACK}:${monitorPort}/healthz`, 'nats-server', signal),
    stopGraceMs: 10_000,
  };
}

async function go2rtcSpec(
  config: ShirikiConfig,
  configPath: string,
  apiPort: number,
  rtspPort: number,
  upDir: string,
  logDir: string,
): Promise<ProcessSpec> {
  const go2rtcConfig = join(upDir, 'go2rtc.yaml');
  const cameras = Object.fromEntries(
    Object.values(config.cameras).map((camera) => [camera.name, { source: camera.source }]),
  );
  await writeFile(
    go2rtcConfig,
    renderGo2rtcConfig({
      cameras,
      // go2rtc's API shows every camera URL with its password: loopback only, like its RTSP restream.
      api: { listen: `${LOOPBACK}:${apiPort}` },
      rtsp: { listen: `${LOOPBACK}:${rtspPort}` },
      ffmpegBin: resolveFfmpegPath(),
      extra: { webrtc: { listen: '' }, srtp: { listen: '' }, rtmp: { listen: '' }, log: { format: 'text' } },
      generatedFrom: configPath,
    }),
  );
  return {
    name: 'go2rtc',
    command: resolveTool('go2rtc'),
    args: ['-config', go2rtcConfig],
    logFile: join(logDir, 'go2rtc.log'),
    ready: (signal) => waitUntilOk(`http://${LOOPBACK}:${apiPort}/api/streams`, 'go2rtc', signal),
    stopGraceMs: 5_000,
  };
}

function serviceSpec(
  service: ServiceName,
  configPath: string,
  overlayPath: string,
  metricsPort: number,
  logDir: string,
): ProcessSpec {
  const main = serviceEntry(service, false);
  return {
    name: service,
    command: process.execPath,
    args: ['--conditions=shiriki-source', '--import', 'tsx', main, '--config', configPath],
    // tsx resolves from the working directory: the repository's.
    cwd: repoRoot(),
    env: {
      ...process.env,
      [CONFIG_OVERLAY_ENV]: overlayPath,
      SHIRIKI_METRICS_PORT: String(metricsPort),
      // Service output goes to log files; `up` shows the first admin password on the terminal instead.
      [ANNOUNCE_ENV]: 'file',
      // The web UI built by bootstrap, served by the api at /.
      [WEB_DIR_ENV]: join(repoRoot(), 'packages', 'web', 'dist'),
    },
    logFile: join(logDir, `${service}.log`),
    ready: (signal) =>
      waitUntilOk(`http://${LOOPBACK}:${metricsPort}/readyz`, service, signal, SERVICE_READY_TIMEOUT_MS),
    stopGraceMs: 30_000,
  };
}

async function waitUntilOk(
  url: string,
  what: string,
  signal: AbortSignal,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(() => httpOk(url), { what: `${what} at ${url}`, timeoutMs, signal, intervalMs: 250 });
}

/** Resolves on SIGINT, SIGTERM or after `durationS`. */
function waitForStop(durationS: number | undefined): { promise: Promise<void>; cancel: () => void } {
  let done: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (done = resolve));
  const onSignal = (): void => done();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = durationS === undefined ? undefined : setTimeout(onSignal, durationS * 1000);
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
