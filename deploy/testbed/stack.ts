import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import {
  assetPath,
  assetsDir,
  loopingFileSource,
  resolveTool,
  scrapeMetrics,
  spawnService,
  syntheticSource,
  waitFor,
  type ServiceProcess,
} from '@shiriki/testing';
import { resolveFfmpegPath } from '@shiriki/process';
import type { TestbedHost, TestbedNetwork } from './network.js';

export const SUBJECT_PREFIX = 'tb';
export const FRAMES_STREAM = 'TB_FRAMES';
export const EVENTS_STREAM = 'TB_EVENTS';
export const DETECTORS_CONSUMER = 'detectors';
const MINIO_USER = 'testbed';
const MINIO_PASSWORD = 'testbed-secret';
const METRICS_PORT = 9464;

/** Cameras: two clips with people, one with cars (events), three synthetic patterns (constant detector load). */
export function testbedCameras(ffmpeg: string, loadCameras: number): Record<string, string> {
  const cameras: Record<string, string> = {
    'walk-a': loopingFileSource(ffmpeg, assetPath('media/person-walk.mp4')),
    // Another point of the clip: go2rtc mixes up two streams whose exec: sources are the very same command.
    'walk-b': loopingFileSource(ffmpeg, assetPath('media/person-walk.mp4'), { startS: 60 }),
    lot: loopingFileSource(ffmpeg, assetPath('media/parking-lot.mp4')),
  };
  for (let i = 1; i <= loadCameras; i++) {
    cameras[`load-${i}`] = syntheticSource(ffmpeg, { size: '640x360', fps: 5 });
  }
  return cameras;
}

/** A process of the test bed: where it runs, its log and (for shiriki services) its metrics URL. */
export interface BedProcess {
  readonly name: string;
  readonly host: TestbedHost;
  readonly child: ManagedChild;
  readonly logFile: string;
  readonly metricsUrl?: string;
}

export interface StackOptions {
  network: TestbedNetwork;
  dir: string;
  natsHosts: readonly string[];
  camsHost: string;
  loadCameras: number;
  detectFps: number;
  leaseTtlS: number;
  heartbeatS: number;
}

/** Starts the servers and services of the test bed on their hosts, and stops them. */
export class TestbedStack {
  readonly processes: BedProcess[] = [];
  readonly cameras: string[];
  readonly #o: StackOptions;
  readonly #ffmpeg = resolveFfmpegPath();

  constructor(options: StackOptions) {
    this.#o = options;
    this.cameras = Object.keys(testbedCameras(this.#ffmpeg, options.loadCameras));
  }

  get natsUrls(): string[] {
    return this.#o.natsHosts.map((name) => `nats://${this.#o.network.host(name).ip}:4222`);
  }

  natsMonitorUrl(host: string): string {
    return `http://${this.#o.network.host(host).ip}:8222`;
  }

  /** The three-node JetStream cluster, one node per host. */
  async startNats(): Promise<void> {
    const routes = this.#o.natsHosts.map((name) => `nats://${this.#o.network.host(name).ip}:6222`);
    await Promise.all(this.#o.natsHosts.map((name, i) => this.startNatsNode(name, routes, i)));
    await waitFor(
      async () => {
        const results = await Promise.all(
          this.#o.natsHosts.map((name) => httpOk(`${this.natsMonitorUrl(name)}/healthz`)),
        );
        return results.every(Boolean);
      },
      { what: 'the NATS cluster to form', timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  /** Starts (or restarts) the node on `name`, keeping its store. */
  async startNatsNode(name: string, routes?: readonly string[], index?: number): Promise<void> {
    const host = this.#o.network.host(name);
    const allRoutes =
      routes ?? this.#o.natsHosts.map((other) => `nats://${this.#o.network.host(other).ip}:6222`);
    const store = join(this.#o.dir, name, 'jetstream');
    mkdirSync(store, { recursive: true });
    await this.#spawn(`nats-${index ?? this.#o.natsHosts.indexOf(name)}`, host, resolveTool('nats-server'), [
      ...['-a', '0.0.0.0', '-p', '4222', '-m', '8222', '-js', '-sd', store],
      ...['--server_name', name, '--cluster_name', 'testbed', '--cluster', 'nats://0.0.0.0:6222'],
      ...['--routes', allRoutes.filter((route) => !route.includes(`//${host.ip}:`)).join(',')],
    ]);
  }

  /** go2rtc with every camera, and MinIO, on the cameras' host. */
  async startCamsAndStore(): Promise<void> {
    const host = this.#o.network.host(this.#o.camsHost);
    const dir = join(this.#o.dir, this.#o.camsHost);
    mkdirSync(join(dir, 'minio'), { recursive: true });
    const go2rtcConfig = join(dir, 'go2rtc.yaml');
    writeFileSync(
      go2rtcConfig,
      JSON.stringify({
        api: { listen: ':1984' },
        rtsp: { listen: ':8554' },
        webrtc: { listen: '' },
        srtp: { listen: '' },
        log: { level: 'warn' },
        ffmpeg: { bin: this.#ffmpeg },
        streams: testbedCameras(this.#ffmpeg, this.#o.loadCameras),
      }),
    );
    await this.#spawn('go2rtc', host, resolveTool('go2rtc'), ['-config', go2rtcConfig]);
    await this.#spawn(
      'minio',
      host,
      resolveTool('minio'),
      ['server', join(dir, 'minio'), '--address', ':9000', '--console-address', ':9001', '--quiet'],
      { MINIO_ROOT_USER: MINIO_USER, MINIO_ROOT_PASSWORD: MINIO_PASSWORD },
    );
    await waitFor(
      async () =>
        (await httpOk(`http://${host.ip}:1984/api`)) &&
        (await httpOk(`http://${host.ip}:9000/minio/health/ready`)),
      { what: 'go2rtc and MinIO', timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  /** The shiriki config for a host: shared settings, with the host's own data directory. */
  writeConfig(hostName: string): string {
    const cams = this.#o.network.host(this.#o.camsHost).ip;
    const dataDir = join(this.#o.dir, hostName, 'data');
    mkdirSync(dataDir, { recursive: true });
    const config = {
      assets_dir: assetsDir(),
      data_dir: dataDir,
      nats: { servers: this.natsUrls, subject_prefix: SUBJECT_PREFIX },
      go2rtc: { api_url: `http://${cams}:1984`, rtsp_url: `rtsp://${cams}:8554`, register_streams: false },
      detect: { width: 640, height: 360, fps: this.#o.detectFps },
      // A buffer deep enough that no frame is dropped by design (oldest first) while a detector host is cut
      // off: NATS does not count those drops, so with the default (10) the test could not tell them from a
      // frame lost silently. Frames older than max_frame_age_ms are still skipped, and counted, as stale.
      detector: { intra_op_threads: 1, frame_buffer_per_camera: 100 },
      ingest: { lease_ttl_s: this.#o.leaseTtlS, heartbeat_s: this.#o.heartbeatS },
      events: { stream_replicas: 3 },
      storage: {
        type: 's3',
        s3: {
          endpoint: cams,
          port: 9000,
          use_ssl: false,
          access_key: MINIO_USER,
          secret_key: MINIO_PASSWORD,
          bucket: 'testbed',
        },
      },
      api: { port: 5000, auth: { enabled: false } },
      telemetry: { log_level: 'info' },
      cameras: Object.fromEntries(
        this.cameras.map((name) => [name, { source: `rtsp://${cams}:8554/${name}` }]),
      ),
    };
    const path = join(this.#o.dir, hostName, 'shiriki.yaml');
    writeFileSync(path, JSON.stringify(config, null, 2));
    return path;
  }

  /** Starts a shiriki service on a host and waits until its /readyz answers. */
  async startService(service: string, hostName: string, metricsPort = METRICS_PORT): Promise<BedProcess> {
    const host = this.#o.network.host(hostName);
    const logFile = join(this.#o.dir, hostName, `${service}.log`);
    const spawned: ServiceProcess = await spawnService(service, this.writeConfig(hostName), logFile, {
      name: `${service}@${hostName}`,
      prefix: host.exec,
      env: { SHIRIKI_METRICS_PORT: String(metricsPort) },
    });
    const metricsUrl = `http://${host.ip}:${metricsPort}`;
    const bed: BedProcess = {
      name: `${service}@${hostName}`,
      host,
      child: spawned.child,
      logFile,
      metricsUrl,
    };
    this.processes.push(bed);
    await waitFor(() => httpOk(`${metricsUrl}/readyz`), {
      what: `${bed.name} to be ready`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    return bed;
  }

  services(service: string): BedProcess[] {
    return this.processes.filter((p) => p.name.startsWith(`${service}@`) && p.metricsUrl !== undefined);
  }

  /** Sum of a metric over the given processes; a process that cannot be reached counts as `undefined`. */
  async sum(
    processes: readonly BedProcess[],
    metric: string,
    filter?: (line: string) => boolean,
  ): Promise<number> {
    let total = 0;
    for (const p of processes) {
      const text = await scrapeMetrics(p.metricsUrl!).catch(() => '');
      for (const line of text.split('\n')) {
        if (!(line.startsWith(`${metric}{`) || line.startsWith(`${metric} `))) continue;
        if (filter && !filter(line)) continue;
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  async stopAll(): Promise<void> {
    for (const p of [...this.processes].reverse())
      await p.child.stop({ termGraceMs: 5_000 }).catch(() => undefined);
  }

  async #spawn(
    name: string,
    host: TestbedHost,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<BedProcess> {
    const logFile = join(this.#o.dir, host.name, `${name}.log`);
    mkdirSync(join(this.#o.dir, host.name), { recursive: true });
    const [first = command, ...rest] = [...host.exec, command];
    const child = await spawnChild(first, [...rest, ...args], {
      name: `${name}@${host.name}`,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile, { flags: 'a' });
    child.process.stdout?.pipe(log);
    child.process.stderr?.pipe(log);
    const bed: BedProcess = { name: `${name}@${host.name}`, host, child, logFile };
    this.processes.push(bed);
    return bed;
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
