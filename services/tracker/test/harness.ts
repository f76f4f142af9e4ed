import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  DetectionsSchema,
  ObjectEventSchema,
  decodeJson,
  encodeJson,
  snapshotHeaders,
  type Detections,
  type ObjectEvent,
  type Subjects,
} from '@shiriki/bus';
import { spawnChild, type ManagedChild } from '@shiriki/process';
import { repoRoot, type MinioServer } from '@shiriki/testing';

export const WIDTH = 640;
export const HEIGHT = 360;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A small grey JPEG of the detect size, as the detector would publish it. */
export async function makeJpeg(width = WIDTH, height = HEIGHT): Promise<Uint8Array> {
  const buffer = await sharp({
    create: { width, height, channels: 3, background: { r: 90, g: 110, b: 130 } },
  })
    .jpeg({ quality: 70 })
    .toBuffer();
  return new Uint8Array(buffer);
}

export interface WalkOptions {
  camera: string;
  firstSequence: number;
  frames: number;
  /** Box left edge at the first and last frame, pixels. */
  fromX: number;
  toX: number;
  score?: number;
}

/** Detections of one person walking horizontally (capture times are filled in when sent). */
export function personWalk(o: WalkOptions): Detections[] {
  const out: Detections[] = [];
  for (let i = 0; i < o.frames; i++) {
    const x = o.fromX + ((o.toX - o.fromX) * i) / Math.max(1, o.frames - 1);
    out.push(frame(o.camera, o.firstSequence + i, [[x, 150, x + 60, 330]], o.score ?? 0.9));
  }
  return out;
}

/** Frames without any detection (the detector looked and saw nothing). */
export function emptyFrames(camera: string, firstSequence: number, frames: number): Detections[] {
  return Array.from({ length: frames }, (_, i) => frame(camera, firstSequence + i, [], 0));
}

function frame(camera: string, sequence: number, boxes: number[][], score: number): Detections {
  return {
    camera,
    sequence,
    capture_time: 0,
    width: WIDTH,
    height: HEIGHT,
    detections: boxes.map((box) => ({
      label: 'person',
      label_id: 0,
      score,
      box: box as [number, number, number, number],
    })),
    model: 'synthetic',
    worker: 'test',
    inference_ms: 1,
    region_count: 1,
  };
}

/** Swaps neighbours so frames arrive out of order but never more than one place late. */
export function shuffleWithinWindow<T>(items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = 0; i + 1 < out.length; i += 3) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  return out;
}

/**
 * Publishes frames like the detector does: a JPEG for frames with detections on the snapshots subject, then
 * the detections. Capture time = `t0 + sequence * frameMs`; the i-th frames of all streams are sent together
 * at the capture time of the first stream's i-th frame (so shuffled copies arrive out of order).
 */
export async function sendFrames(
  nc: NatsConnection,
  subjects: Subjects,
  streams: Detections[][],
  o: { jpeg: Uint8Array; t0: number; frameMs: number },
): Promise<void> {
  const first = streams[0] ?? [];
  for (let i = 0; i < first.length; i++) {
    const slot = o.t0 + (first[i]?.sequence ?? 0) * o.frameMs;
    await sleep(Math.max(0, slot - Date.now()));
    for (const stream of streams) {
      const d = stream[i];
      if (!d) continue;
      const detections = { ...d, capture_time: o.t0 + d.sequence * o.frameMs };
      if (detections.detections.length > 0) {
        nc.publish(subjects.snapshots(d.camera), o.jpeg, {
          headers: snapshotHeaders({
            camera: d.camera,
            sequence: d.sequence,
            captureTime: detections.capture_time,
            width: d.width,
            height: d.height,
            labels: detections.detections.map((x) => x.label),
          }),
        });
      }
      nc.publish(subjects.detections(d.camera), encodeJson(DetectionsSchema, detections));
    }
  }
}

export interface StoredEvent {
  event: ObjectEvent;
  subject: string;
  seq: number;
  time: Date;
}

/** Reads a stream with an ordered consumer, from the start or from `startTime`, until it is drained. */
export async function readEvents(
  js: JetStreamClient,
  stream: string,
  o: { filter?: string; startTime?: Date } = {},
): Promise<StoredEvent[]> {
  const consumer = await js.consumers.get(stream, {
    ...(o.filter ? { filter_subjects: o.filter } : {}),
    ...(o.startTime
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: o.startTime.toISOString() }
      : {}),
  });
  const out: StoredEvent[] = [];
  for (;;) {
    const msg = await consumer.next({ expires: 1500 });
    if (!msg) break;
    out.push({
      event: decodeJson(ObjectEventSchema, msg.data),
      subject: msg.subject,
      seq: msg.seq,
      time: new Date(Math.floor(msg.info.timestampNanos / 1_000_000)),
    });
  }
  await consumer.delete().catch(() => undefined);
  return out;
}

/** Per id: how many `new` and `end` events. */
export function countByType(events: readonly ObjectEvent[]): Map<string, { new: number; end: number }> {
  const counts = new Map<string, { new: number; end: number }>();
  for (const event of events) {
    const entry = counts.get(event.id) ?? { new: 0, end: 0 };
    if (event.type === 'new') entry.new += 1;
    if (event.type === 'end') entry.end += 1;
    counts.set(event.id, entry);
  }
  return counts;
}

export interface TestConfigOptions {
  natsUrl: string;
  prefix: string;
  minio?: MinioServer;
  bucket?: string;
  cameras: Record<string, Record<string, unknown>>;
  extra?: Record<string, unknown>;
}

/** A config every service of a test reads (JSON is valid YAML). */
export function testConfigObject(o: TestConfigOptions): Record<string, unknown> {
  return {
    nats: { servers: [o.natsUrl], subject_prefix: o.prefix },
    storage: o.minio
      ? {
          type: 's3',
          s3: {
            endpoint: o.minio.endPoint,
            port: o.minio.port,
            use_ssl: false,
            access_key: o.minio.accessKey,
            secret_key: o.minio.secretKey,
            bucket: o.bucket ?? 'shiriki-test',
          },
        }
      : { type: 'local' },
    detect: { width: WIDTH, height: HEIGHT, fps: 10, max_disappeared_s: 1 },
    ingest: { lease_ttl_s: 4, heartbeat_s: 1 },
    alerts: { labels: ['person'], cooldown_s: 0 },
    telemetry: { log_level: 'info', metrics_port: 0 },
    cameras: Object.fromEntries(
      Object.entries(o.cameras).map(([name, camera]) => [
        name,
        { source: `rtsp://127.0.0.1:8554/${name}`, ...camera },
      ]),
    ),
    ...o.extra,
  };
}

export function writeTestConfig(dir: string, o: TestConfigOptions): string {
  const path = join(dir, `shiriki-${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(path, JSON.stringify(testConfigObject(o), null, 2));
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

/** The first log entry whose `msg` is `message` (and that has `match`'s fields), or undefined. */
export function logEntry(
  logFile: string,
  message: string,
  match: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  if (!existsSync(logFile)) return undefined;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message && Object.entries(match).every(([k, v]) => entry[k] === v)) return entry;
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

export function logTail(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(100);
  }
}
