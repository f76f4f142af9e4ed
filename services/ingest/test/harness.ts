import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeFrame, type Frame } from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import { collect, spawnService, writeServiceConfig, type ServiceProcess } from '@shiriki/testing';

export { logTail, sleep } from '@shiriki/testing';

/** What the ingest config of a test needs to know about the servers it runs against. */
export interface ConfigServers {
  natsUrl: string;
  go2rtcApiUrl: string;
  go2rtcRtspPort: number;
}

export interface TestCamera {
  /**
   * The camera's go2rtc source. go2rtc refuses `exec:` sources through its API ("source from insecure
   * producer"), so tests configure their streams in go2rtc itself and ingest does not register them;
   * the default is a placeholder the schema accepts.
   */
  source?: string | string[];
  detect?: { width?: number; height?: number; fps?: number; enabled?: boolean };
  motion?: Record<string, unknown>;
}

export interface TestConfigOptions {
  cameras: Record<string, TestCamera>;
  ingest?: Record<string, unknown>;
  prefix?: string;
  /** Let ingest add its cameras to go2rtc (only non-`exec:` sources). Default false. */
  registerStreams?: boolean;
}

/** Fast leases and restarts so failover and backoff show within a test's time. */
export const TEST_INGEST = {
  lease_ttl_s: 4,
  heartbeat_s: 1,
  stall_timeout_s: 10,
  restart_backoff: { initial_ms: 500, max_ms: 8000 },
};

/** Writes an ingest config (JSON is valid YAML) into `dir` and returns its path. */
export function writeIngestConfig(dir: string, servers: ConfigServers, options: TestConfigOptions): string {
  const config = {
    nats: { servers: [servers.natsUrl], subject_prefix: options.prefix ?? 'shiriki' },
    go2rtc: {
      api_url: servers.go2rtcApiUrl,
      rtsp_url: `rtsp://127.0.0.1:${servers.go2rtcRtspPort}`,
      register_streams: options.registerStreams ?? false,
    },
    detect: { width: 640, height: 360, fps: 5 },
    storage: { type: 'local', local: { path: join(dir, 'store') } },
    ingest: { ...TEST_INGEST, ...options.ingest },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: Object.fromEntries(
      Object.entries(options.cameras).map(([name, camera]) => [
        name,
        { ...camera, source: camera.source ?? `rtsp://127.0.0.1:${servers.go2rtcRtspPort}/${name}` },
      ]),
    ),
  };
  return writeServiceConfig(dir, config, 'ingest');
}

export type WorkerProcess = ServiceProcess;

/** Runs the ingest service as its own process, the way it is deployed; its log goes to `logFile`. */
export async function spawnIngestWorker(configPath: string, logFile: string): Promise<WorkerProcess> {
  return spawnService('ingest', configPath, logFile, { name: 'ingest-worker' });
}

export interface ReceivedFrame {
  frame: Omit<Frame, 'payload'>;
  payloadBytes: number;
  /** A JPEG payload's size, from its frame header (SOF) segment. */
  jpegSize: { width: number; height: number } | undefined;
  at: number;
}

/** Width and height from a JPEG's start-of-frame segment, walking the segments before it. */
export function jpegDimensions(jpeg: Uint8Array): { width: number; height: number } | undefined {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return undefined;
  for (let at = 2; at + 9 < jpeg.length;) {
    if (jpeg[at] !== 0xff) return undefined;
    const marker = jpeg[at + 1]!;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: (jpeg[at + 5]! << 8) | jpeg[at + 6]!, width: (jpeg[at + 7]! << 8) | jpeg[at + 8]! };
    }
    at += 2 + length;
  }
  return undefined;
}

/** Records every frame header published on `subject` (data dropped to keep memory flat). */
export function recordFrames(nc: NatsConnection, subject: string): { frames: ReceivedFrame[]; stop(): void } {
  const { messages, stop } = collect(nc, subject, (msg): ReceivedFrame => {
    const { payload, ...frame } = decodeFrame(msg.data);
    const jpegSize = frame.pixelFormat === 'jpeg' ? jpegDimensions(payload) : undefined;
    return { frame, payloadBytes: payload.byteLength, jpegSize, at: Date.now() };
  });
  return { frames: messages, stop };
}

export async function connectNats(url: string): Promise<NatsConnection> {
  return connect({ servers: url, name: 'ingest-test' });
}

/** An `exec:` go2rtc source: ffmpeg with `args` publishing RTSP to go2rtc's `{output}`. */
export function execSource(args: readonly string[], ffmpegPath = resolveFfmpegPath()): string {
  for (const arg of args) {
    if (/\s/.test(arg)) throw new RangeError(`exec: arguments must not hold whitespace: ${arg}`);
  }
  return `exec:${[ffmpegPath, '-hide_banner', '-v', 'error', ...args, '-rtsp_transport', 'tcp'].join(' ')} -f rtsp {output}`;
}

/** Extracts the frame at `seconds` of `clip` as a PNG into `file`. */
export function extractStill(clip: string, seconds: number, file: string): void {
  execFileSync(resolveFfmpegPath(), [
    '-v',
    'error',
    '-y',
    '-ss',
    String(seconds),
    '-i',
    clip,
    '-frames:v',
    '1',
    file,
  ]);
}

/** A still image looped forever in real time and encoded to H.264 (a static scene). */
export function stillImageSource(image: string, fps = 10): string {
  return execSource([...['-re', '-loop', '1', '-framerate', String(fps), '-i', image], ...liveH264Args(fps)]);
}

/** ffmpeg output options for low-latency H.264 with a keyframe every `gop` frames, as a camera sends. */
export function liveH264Args(gop: number): string[] {
  return [
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency'],
    ...['-pix_fmt', 'yuv420p', '-g', String(gop)],
  ];
}

/** The worker's "camera lease acquired" log lines: which camera, under which epoch, when. */
export function acquisitions(logFile: string): { camera: string; epoch: number; at: number }[] {
  const found: { camera: string; epoch: number; at: number }[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('camera lease acquired')) continue;
    const entry = JSON.parse(line) as { camera: string; epoch: number; time: string };
    found.push({ camera: entry.camera, epoch: entry.epoch, at: Date.parse(entry.time) });
  }
  return found;
}

/** Records JSON messages on `subject` with their arrival time. */
export function recordJson<T>(
  nc: NatsConnection,
  subject: string,
): { messages: { subject: string; body: T; at: number }[]; stop(): void } {
  return collect(nc, subject, (msg) => ({ subject: msg.subject, body: msg.json<T>(), at: Date.now() }));
}

/** When the worker first started ffmpeg for `camera`, from its log: go2rtc starts a clip about then. */
export function decoderStartedAt(logFile: string, camera: string): number | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"starting ffmpeg"')) continue;
    const entry = JSON.parse(line) as { decoder?: string; time: string };
    if (entry.decoder === camera) return Date.parse(entry.time);
  }
  return undefined;
}
