import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { startNatsServer, type NatsServer } from '@shiriki/testing';
import {
  DetectionsSchema,
  INVALID_MESSAGES_METRIC,
  MemoryCounter,
  connectBus,
  createBusMetrics,
  createSubjects,
  encodeFrame,
  encodeJson,
  frameHeaderSize,
  decodeFrame,
  subscribeDecoded,
  subscribeJson,
  type Bus,
  type Detections,
  type Frame,
} from '../src/index.js';
import { captureLogger } from './capture-logger.js';
import { randomFrame } from './random-frame.js';

const subjects = createSubjects();
let server: NatsServer;
let bus: Bus;

before(async () => {
  server = await startNatsServer({ jetstream: false });
  bus = await connectBus(
    { servers: [server.url] },
    { logger: captureLogger().logger, name: 'bus-frames-test' },
  );
});

after(async () => {
  await bus.drain();
  await server.dispose();
});

/** Resolves once `count` items were collected, or rejects after `ms`. */
function collector<T>(count: number, ms = 10_000): { items: T[]; push(item: T): void; full: Promise<void> } {
  const items: T[] = [];
  let resolve!: () => void;
  const full = new Promise<void>((res, rej) => {
    resolve = res;
    setTimeout(() => rej(new Error(`received ${items.length} of ${count}`)), ms).unref();
  });
  return {
    items,
    push: (item) => {
      items.push(item);
      if (items.length === count) resolve();
    },
    full,
  };
}

test('100 random 640x360 yuv420p frames cross a real nats-server byte for byte', async () => {
  const sent = Array.from({ length: 100 }, (_, sequence) =>
    randomFrame({ camera: 'front', pixelFormat: 'yuv420p', width: 640, height: 360, sequence }),
  );
  const received = collector<{ frame: Frame; bytes: Uint8Array }>(sent.length);
  const sub = subscribeDecoded(
    bus.nc,
    subjects.frames('front'),
    decodeFrame,
    (frame, msg) => received.push({ frame, bytes: msg.data }),
    {
      logger: captureLogger().logger,
    },
  );
  await bus.nc.flush();
  for (const frame of sent) bus.nc.publish(subjects.frames('front'), encodeFrame(frame));
  await received.full;
  await sub.drain();

  received.items.forEach(({ frame, bytes }, index) => {
    const original = sent[index]!;
    assert.deepEqual(frame, original);
    assert.ok(frame.motionBoxes.length === original.motionBoxes.length);
    assert.deepEqual(bytes, encodeFrame(original));
  });
  assert.equal(
    sub.metrics.invalidMessages instanceof MemoryCounter && sub.metrics.invalidMessages.total(),
    0,
  );
});

test('corrupted frame messages are dropped and counted by reason, valid ones get through', async () => {
  const metrics = createBusMetrics();
  const { logger, entries } = captureLogger();
  const subject = subjects.frames('garage');
  const received = collector<Frame>(10);
  const sub = subscribeDecoded(bus.nc, subjects.framesAll, decodeFrame, (frame) => received.push(frame), {
    logger,
    metrics,
  });
  await bus.nc.flush();

  for (let sequence = 0; sequence < 10; sequence++) {
    const frame = randomFrame({ camera: 'garage', pixelFormat: 'yuv420p', width: 64, height: 36, sequence });
    const valid = encodeFrame(frame);
    const truncated = valid.subarray(0, valid.byteLength - 10);
    const badMagic = valid.slice();
    badMagic[0] = 0x58;
    // Declares (and carries) two bytes fewer than a 64x36 yuv420p image.
    const wrongSize = valid.slice(0, valid.byteLength - 2);
    new DataView(wrongSize.buffer).setUint32(frameHeaderSize(frame) - 4, 64 * 36 * 1.5 - 2, true);
    for (const bytes of [truncated, valid, badMagic, wrongSize]) bus.nc.publish(subject, bytes);
  }
  bus.nc.publish(subject, new TextEncoder().encode('not a frame'));
  await received.full;
  await sub.drain();

  assert.deepEqual(
    received.items.map((frame) => frame.sequence),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const invalid = metrics.invalidMessages;
  assert.equal(invalid.get({ subject_kind: 'frames', reason: 'truncated' }), 10);
  assert.equal(invalid.get({ subject_kind: 'frames', reason: 'bad_magic' }), 11);
  assert.equal(invalid.get({ subject_kind: 'frames', reason: 'payload_size_mismatch' }), 10);
  assert.equal(invalid.total(), 31);
  // 31 invalid messages within the default 10 s interval produce a single warning.
  assert.equal(entries.filter((entry) => entry.level === 'warn').length, 1);
});

test('a handler that throws or rejects does not stop later messages', async () => {
  const metrics = createBusMetrics();
  const subject = subjects.detections('porch');
  const seen = collector<number>(10);
  const sub = subscribeJson(
    bus.nc,
    subject,
    DetectionsSchema,
    async (detections) => {
      seen.push(detections.sequence);
      if (detections.sequence === 3) throw new Error('boom');
      if (detections.sequence === 6) await Promise.reject(new Error('async boom'));
    },
    { logger: captureLogger().logger, metrics },
  );
  await bus.nc.flush();
  for (let sequence = 0; sequence < 10; sequence++) {
    bus.nc.publish(subject, encodeJson(DetectionsSchema, detections(sequence)));
    if (sequence === 4) {
      bus.nc.publish(subject, '{"camera": "porch"');
      bus.nc.publish(subject, JSON.stringify({ ...detections(99), sequence: -1 }));
    }
  }
  await seen.full;
  await sub.drain();

  assert.deepEqual(seen.items, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const errors = metrics.handlerErrors;
  assert.equal(errors.get({ subject_kind: 'detections' }), 2);
  const invalid = metrics.invalidMessages;
  assert.equal(invalid.get({ subject_kind: 'detections', reason: 'invalid_json' }), 1);
  assert.equal(invalid.get({ subject_kind: 'detections', reason: 'schema_mismatch' }), 1);
});

test('invalid messages are counted on a prom-client registry when one is given', async () => {
  const registry = new Registry();
  const subject = subjects.frames('yard');
  const first = subscribeDecoded(bus.nc, subject, decodeFrame, () => undefined, {
    logger: captureLogger().logger,
    metrics: createBusMetrics(registry),
  });
  // A second subscriber on the same registry reuses the counters instead of failing to register them.
  const second = subscribeDecoded(bus.nc, subject, decodeFrame, () => undefined, {
    logger: captureLogger().logger,
    metrics: createBusMetrics(registry),
  });
  await bus.nc.flush();
  bus.nc.publish(subject, new Uint8Array([1, 2, 3, 4, 5]));
  await bus.nc.flush();
  await first.drain();
  await second.drain();

  const metric = await registry.getSingleMetric(INVALID_MESSAGES_METRIC)!.get();
  assert.deepEqual(
    metric.values.map(({ labels, value }) => ({ labels, value })),
    [{ labels: { subject_kind: 'frames', reason: 'bad_magic' }, value: 2 }],
  );
});

function detections(sequence: number): Detections {
  return {
    camera: 'porch',
    sequence,
    capture_time: 1_700_000_000_000 + sequence * 200,
    width: 640,
    height: 360,
    detections: [{ label: 'person', label_id: 0, score: 0.9, box: [10, 20, 110, 300] }],
    model: 'yolov8n',
    worker: 'detector-1',
    inference_ms: 12.5,
    region_count: 1,
  };
}
