import { execFileSync } from 'node:child_process';
import type { NatsConnection } from '@nats-io/nats-core';
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
  type MotionBox,
  type Subjects,
} from '@shiriki/bus';
import { resolveFfmpegPath } from '@shiriki/process';
import { createLogger, Registry, type Logger } from '@shiriki/telemetry';
import { assetPath } from '@shiriki/testing';
import {
  DetectorWorker,
  ObjectDetector,
  createDetectorWorkerMetrics,
  type DetectorWorkerOptions,
  type ModelSpec,
} from '../src/index.js';

export const WIDTH = 640;
export const HEIGHT = 360;
export const FRAME_BYTES = (WIDTH * HEIGHT * 3) / 2;

export const logger: Logger = createLogger({ service: 'detector-test', level: 'warn' });

/** YOLOX-Nano from the assets directory with the config defaults and one intra-op thread. */
export function testModelSpec(): ModelSpec {
  return {
    path: assetPath('models/yolox_nano.onnx'),
    labelsPath: assetPath('models/coco-labels.txt'),
    type: 'yolox',
    width: 416,
    height: 416,
    layout: 'nchw',
    pixelFormat: 'bgr',
    dtype: 'float32',
    scale: '0-255',
    scoreThreshold: 0.4,
    nmsIou: 0.45,
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
  };
}

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
  const detector = options.detector ?? (await ObjectDetector.load(testModelSpec()));
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

/** A frame message as ingest publishes it. */
export function frameMessage(
  camera: string,
  sequence: number,
  payload: Uint8Array,
  options: { captureTime?: number; motionBoxes?: MotionBox[] } = {},
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
    pixelFormat: 'yuv420p',
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
  const messages: Detections[] = [];
  const sub = nc.subscribe(subjects.detectionsAll, {
    callback: (error, msg) => {
      if (!error) messages.push(decodeJson(DetectionsSchema, msg.data));
    },
  });
  return { messages, stop: () => sub.unsubscribe() };
}

export function testSubjects(): Subjects {
  return createSubjects(`dt${Math.random().toString(36).slice(2, 8)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
