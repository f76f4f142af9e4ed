import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFrame } from '@shiriki/bus';
import { resolveFfmpegPath, spawnChild, type ManagedChild } from '@shiriki/process';
import { assetPath, assetsDir, repoRoot } from '@shiriki/testing';

export const WIDTH = 640;
export const HEIGHT = 360;
const FRAME_BYTES = (WIDTH * HEIGHT * 3) / 2;

/** `count` 640x360 yuv420p frames of person-walk.mp4 from `startS` seconds at `fps`. */
export function clipFrames(startS: number, count: number, fps = 5): Uint8Array[] {
  const raw = execFileSync(
    resolveFfmpegPath(),
    [
      ...['-v', 'error', '-ss', String(startS), '-i', assetPath('media/person-walk.mp4')],
      ...['-vf', `fps=${fps},scale=${WIDTH}:${HEIGHT}`, '-frames:v', String(count)],
      ...['-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-'],
    ],
    { maxBuffer: count * FRAME_BYTES + 1024 },
  );
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + FRAME_BYTES <= raw.length; offset += FRAME_BYTES) {
    frames.push(new Uint8Array(raw.buffer, raw.byteOffset + offset, FRAME_BYTES));
  }
  return frames;
}

/** A frame message as ingest publishes it, captured now, the whole frame as one motion box. */
export function frameMessage(
  camera: string,
  sequence: number,
  payload: Uint8Array,
  captureTime = Date.now(),
): Uint8Array {
  return encodeFrame({
    camera,
    producer: 'test-ingest',
    producerEpoch: 1,
    sequence,
    captureTime,
    width: WIDTH,
    height: HEIGHT,
    pixelFormat: 'yuv420p',
    hasMotion: true,
    trackingRefresh: false,
    motionBoxes: [[0, 0, WIDTH, HEIGHT]],
    payload,
  });
}

export interface DetectorConfigOptions {
  natsUrl: string;
  prefix: string;
  cameras: string[];
  detector?: Record<string, unknown>;
  /** Extra top-level sections (go2rtc, ingest, detect). */
  extra?: Record<string, unknown>;
}

/** Writes a config every service of a test reads (JSON is valid YAML) and returns its path. */
export function writeServiceConfig(dir: string, options: DetectorConfigOptions): string {
  const config = {
    assets_dir: assetsDir(),
    nats: { servers: [options.natsUrl], subject_prefix: options.prefix },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    detector: { intra_op_threads: 1, ...options.detector },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: Object.fromEntries(
      options.cameras.map((name) => [name, { source: `rtsp://127.0.0.1:8554/${name}` }]),
    ),
    ...options.extra,
  };
  const path = join(dir, `shiriki-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export interface ServiceProcess {
  readonly child: ManagedChild;
  readonly pid: number;
  readonly logFile: string;
}

/** Runs `services/<service>/src/main.ts` as its own process with a free metrics port; log to `logFile`. */
export async function spawnService(
  service: string,
  configPath: string,
  logFile: string,
): Promise<ServiceProcess> {
  const root = repoRoot();
  const child = await spawnChild(
    process.execPath,
    [
      ...['--conditions=shiriki-source', '--import', 'tsx'],
      ...[join(root, `services/${service}/src/main.ts`), '--config', configPath],
    ],
    {
      name: service,
      cwd: root,
      env: { ...process.env, SHIRIKI_METRICS_PORT: '0', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.process.stdout?.pipe(log);
  child.process.stderr?.pipe(log);
  return { child, pid: child.pid, logFile };
}

/** The first log entry whose `msg` is `message`, or undefined. */
export function logEntry(logFile: string, message: string): Record<string, unknown> | undefined {
  if (!existsSync(logFile)) return undefined;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message) return entry;
    } catch {
      // not a JSON log line
    }
  }
  return undefined;
}

/** Waits for a log line, failing early when the process exits. */
export async function waitForLog(
  service: ServiceProcess,
  message: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void service.child.exited.then(() => (exited = true));
  for (;;) {
    const entry = logEntry(service.logFile, message);
    if (entry) return entry;
    if (exited || Date.now() > deadline) {
      throw new Error(`no "${message}" from ${service.child.name}:\n${logTail(service.logFile)}`);
    }
    await sleep(100);
  }
}

/** Scrapes /metrics and sums every sample of `name` (over all labels). */
export async function scrapeCounter(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export function logTail(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
