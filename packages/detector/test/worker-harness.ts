import { execFileSync } from 'node:child_process';
import type { NatsConnection } from '@nats-io/nats-core';
import { resolveFfmpegPath } from '@shiriki/process';
import { DEFAULT_JPEG_QUALITY } from '@shiriki/config';
import {
  DetectionsSchema,
  connectBus,
  createBusMetrics,
  createSubjects,
  decodeJson,
  encodeFrame,
  type Bus,
  type Detections,
  type MemoryBusMetrics,
  type Subjects,
} from '@shiriki/bus';
import { createLogger, Registry, type Logger } from '@shiriki/telemetry';
import { assetPath, collect, decodeClipFrames } from '@shiriki/testing';
import {
  DetectorWorker,
  ObjectDetector,
  createDetectorWorkerMetrics,
  type DetectorWorkerOptions,
} from '../src/index.js';
import { yoloxNanoSpec } from './yolox-spec.js';
import type { Box } from '@shiriki/geometry';

export { sleep } from '@shiriki/testing';

export const WIDTH = 640;
export const HEIGHT = 360;

export const logger: Logger = createLogger({ service: 'detector-test', level: 'warn' });

export async function connectTestBus(url: string, name = 'detector-test'): Promise<Bus> {
  return connectBus({ servers: [url] }, { logger, name, waitOnFirstConnect: false });
}

export interface TestWorker {
  worker: DetectorWorker;
  registry: Registry;
  busMetrics: MemoryBusMetrics;
}

/** A worker with the real model, its own registry and in-memory bus counters. */
export async function startTestWorker(
  bus: Bus,
  subjects: Subjects,
  options: Partial<DetectorWorkerOptions> & { workerId: string },
): Promise<TestWorker> {
  const registry = new Registry();
  const busMetrics = createBusMetrics();
  const detector = options.detector ?? (await ObjectDetector.load(yoloxNanoSpec()));
  const worker = new DetectorWorker({
    bus,
    subjects,
    logger,
    metrics: createDetectorWorkerMetrics(registry),
    busMetrics,
    sampleIntervalMs: 500,
    ...options,
    detector,
  });
  await worker.start();
  return { worker, registry, busMetrics };
}

/**
 * `count` consecutive 640x360 yuv420p frames of person-walk.mp4 starting at `startS` seconds, at `fps`.
 * The clip shows one person from 6 s to 19 s (see person-walk.truth.json).
 */
export function clipFrames(startS: number, count: number, fps = 5): Uint8Array[] {
  return decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    fps,
    from: startS,
    count,
  });
}

/** A 640x360 yuv420p frame as ingest's ffmpeg encodes it for `ingest.frames.format: jpeg` (at `ingest.frames.jpeg_quality`'s default). */
export function jpegOf(yuv: Uint8Array): Buffer {
  return execFileSync(
    resolveFfmpegPath(),
    [
      ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${WIDTH}x${HEIGHT}`, '-i', 'pipe:0'],
      ...['-c:v', 'mjpeg', '-q:v', String(DEFAULT_JPEG_QUALITY), '-f', 'image2pipe', 'pipe:1'],
    ],
    { input: yuv },
  );
}

/** A frame message as ingest publishes it. */
export function frameMessage(
  camera: string,
  sequence: number,
  payload: Uint8Array,
  options: { captureTime?: number; motionBoxes?: Box[]; pixelFormat?: 'yuv420p' | 'jpeg' } = {},
): Uint8Array {
  const motionBoxes = options.motionBoxes ?? [[0, 0, WIDTH, HEIGHT]];
  return encodeFrame({
    camera,
    producer: 'test-ingest',
    producerEpoch: 1,
    sequence,
    captureTime: options.captureTime ?? Date.now(),
    width: WIDTH,
    height: HEIGHT,
    pixelFormat: options.pixelFormat ?? 'yuv420p',
    hasMotion: motionBoxes.length > 0,
    trackingRefresh: false,
    motionBoxes,
    payload,
  });
}

/** Records every `Detections` message under the prefix. */
export function recordDetections(
  nc: NatsConnection,
  subjects: Subjects,
): { messages: Detections[]; stop(): void } {
  return collect(nc, subjects.detectionsAll, (msg) => decodeJson(DetectionsSchema, msg.data));
}

export function testSubjects(): Subjects {
  return createSubjects(`dt${Math.random().toString(36).slice(2, 8)}`);
}
