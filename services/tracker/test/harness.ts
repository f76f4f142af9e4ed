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
import { sleep, writeServiceConfig, type MinioServer } from '@shiriki/testing';

export const WIDTH = 640;
export const HEIGHT = 360;

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
    // These tests send detections for a walk and then nothing, where ingest would go on sending tracking
    // frames: with no silence held, the end of the walk reads as the person leaving.
    detect: { width: WIDTH, height: HEIGHT, fps: 10, max_disappeared_s: 1, silence_hold_s: 0 },
    ingest: { lease_ttl_s: 4, heartbeat_s: 1 },
    tracker: { lease_ttl_s: 4, heartbeat_s: 1 },
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
  return writeServiceConfig(dir, testConfigObject(o));
}

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(100);
  }
}
