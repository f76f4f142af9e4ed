import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { decodeFrame, encodeFrame, type Frame } from './frame-codec.js';
import { DecodeError, FrameDecodeError } from './errors.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { PIXEL_FORMAT_CODES, pixelFormatSize, type PixelFormat } from './pixel-format.js';
import {
  AlertSchema,
  CameraStatusSchema,
  CameraSwitchesSchema,
  ClipReadySchema,
  DetectionsSchema,
  MotionAlertSchema,
  ObjectEventSchema,
  ServiceStatusSchema,
} from './messages/index.js';
import type { Box } from '@shiriki/geometry';

// Property-based: every reader of the bus must turn any input into a value or its typed error, never crash.
const RUNS = { numRuns: 400 };
const FORMATS = Object.keys(PIXEL_FORMAT_CODES) as PixelFormat[];

const boxIn = (width: number, height: number): fc.Arbitrary<Box> =>
  fc
    .tuple(
      fc.nat(width - 1),
      fc.nat(height - 1),
      fc.integer({ min: 1, max: width }),
      fc.integer({ min: 1, max: height }),
    )
    .map(([x, y, w, h]) => [x, y, Math.min(width, x + w), Math.min(height, y + h)] as const);

const frameArbitrary: fc.Arbitrary<Frame> = fc
  .record({
    pixelFormat: fc.constantFrom(...FORMATS),
    halfWidth: fc.integer({ min: 1, max: 24 }),
    halfHeight: fc.integer({ min: 1, max: 16 }),
  })
  .chain(({ pixelFormat, halfWidth, halfHeight }) => {
    const width = 2 * halfWidth;
    const height = 2 * halfHeight;
    const size = pixelFormatSize(pixelFormat, width, height)!;
    const payload =
      size === 'variable'
        ? fc
            .uint8Array({ minLength: 2, maxLength: 300 })
            .map((rest) => Uint8Array.from([0xff, 0xd8, ...rest]))
        : fc.uint8Array({ minLength: size, maxLength: size });
    return fc.record({
      camera: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      producer: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      producerEpoch: fc.nat({ max: 0xffffffff }),
      sequence: fc.maxSafeNat(),
      captureTime: fc.double({ min: 0, max: 4e12, noNaN: true }),
      width: fc.constant(width),
      height: fc.constant(height),
      pixelFormat: fc.constant(pixelFormat),
      hasMotion: fc.boolean(),
      trackingRefresh: fc.boolean(),
      motionBoxes: fc.array(boxIn(width, height), { maxLength: 6 }),
      payload,
    });
  });

/** Runs `decode`; a typed rejection is fine, anything else thrown fails the property. */
function decodesOrRejects<T>(decode: () => T, errorType: new (...args: never[]) => Error): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (error instanceof errorType) return undefined;
    throw error;
  }
}

test('frames: every valid frame survives encode and decode unchanged', () => {
  fc.assert(
    fc.property(frameArbitrary, (frame) => {
      assert.deepEqual(decodeFrame(encodeFrame(frame)), { ...frame });
    }),
    RUNS,
  );
});

test('frames: random bytes, with or without a valid start, only ever raise FrameDecodeError', () => {
  const magic = [0x53, 0x48, 0x46, 0x52, 1];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, withMagic) => {
      const message = withMagic ? Uint8Array.from([...magic, ...bytes]) : bytes;
      decodesOrRejects(() => decodeFrame(message), FrameDecodeError);
    }),
    RUNS,
  );
});

test('frames: a damaged, cut or padded message is rejected with FrameDecodeError or decodes to a frame the encoder takes', () => {
  fc.assert(
    fc.property(
      frameArbitrary,
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: -40, max: 40 }),
      (frame, changes, lengthChange) => {
        let message = encodeFrame(frame);
        for (const [at, value] of changes) message[at % message.length] = value;
        if (lengthChange < 0) message = message.subarray(0, Math.max(0, message.length + lengthChange));
        else if (lengthChange > 0) message = Uint8Array.from([...message, ...new Uint8Array(lengthChange)]);
        const decoded = decodesOrRejects(() => decodeFrame(message), FrameDecodeError);
        // The decoder never accepts what the encoder would refuse.
        if (decoded) assert.deepEqual(decodeFrame(encodeFrame(decoded)), decoded);
      },
    ),
    RUNS,
  );
});

/** One valid message of every schema a service reads from the bus. */
const SCHEMAS: [string, z.ZodType, unknown][] = [
  [
    'MotionAlert',
    MotionAlertSchema,
    {
      type: 'motion',
      camera: 'front',
      state: 'started',
      started_at: 1,
      boxes: [[1, 2, 30, 40]],
      area: 0.1,
      peak_area: 0.1,
      producer: 'ingest-1',
      sequence: 3,
    },
  ],
  [
    'Detections',
    DetectionsSchema,
    {
      camera: 'front',
      sequence: 4,
      previous_sequence: 3,
      capture_time: 5,
      width: 640,
      height: 360,
      detections: [{ label: 'person', label_id: 0, score: 0.9, box: [1, 2, 30, 40] }],
      model: 'yolox',
      worker: 'w1',
      inference_ms: 17,
      region_count: 1,
      snapshot: true,
    },
  ],
  [
    'ObjectEvent',
    ObjectEventSchema,
    {
      type: 'new',
      id: 'e1',
      camera: 'front',
      label: 'person',
      score: 0.8,
      top_score: 0.9,
      box: [1, 2, 30, 40],
      zones: ['porch'],
      entered_zones: ['porch'],
      start_time: 6,
      stationary: false,
      snapshot: { frame_sequence: 4, score: 0.9 },
    },
  ],
  [
    'Alert',
    AlertSchema,
    { kind: 'object', camera: 'front', zones: [], time: 7, label: 'person', event_id: 'e1' },
  ],
  [
    'ClipReady',
    ClipReadySchema,
    {
      event_id: 'e1',
      camera: 'front',
      keys: { clip: 'c.mp4', metadata: 'c.json' },
      start: 1,
      end: 2,
      duration_s: 1,
    },
  ],
  [
    'CameraStatus',
    CameraStatusSchema,
    {
      camera: 'front',
      state: 'streaming',
      owner: 'ingest-1',
      since: 1,
      fps_in: 5,
      frames_published: 1,
      frames_dropped: 0,
      restarts: 0,
      motion_active: false,
    },
  ],
  [
    'CameraSwitches',
    CameraSwitchesSchema,
    { detect: true, motion: true, recordings: true, snapshots: true, updated_at: 1, updated_by: 'mqtt' },
  ],
  [
    'ServiceStatus',
    ServiceStatusSchema,
    { service: 'detector', instance: 'd1', state: 'running', time: 2, started_at: 1, busy_ratio: 0.5 },
  ],
];

/** A JSON path into `value`: the keys and indexes leading to one of its nodes. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

/** `value` with the node at `path` replaced by `replacement`, or removed when `replacement` is undefined. */
function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0 && replacement === undefined) delete copy[key];
  else copy[key] = mutate(copy[key], rest, replacement);
  return copy;
}

const utf8 = new TextEncoder();

for (const [name, schema, sample] of SCHEMAS) {
  test(`${name}: the sample is valid, and any field replaced or removed gives DecodeError or a message the encoder takes`, () => {
    assert.ok(decodeJson(schema, utf8.encode(JSON.stringify(sample))), 'the sample decodes');
    const nodes = paths(sample);
    fc.assert(
      fc.property(
        fc.nat({ max: nodes.length - 1 }),
        fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
        (index, replacement) => {
          const bytes = utf8.encode(JSON.stringify(mutate(sample, nodes[index]!, replacement)));
          const decoded = decodesOrRejects(() => decodeJson(schema, bytes), DecodeError);
          if (decoded !== undefined) encodeJson(schema, decoded as never);
        },
      ),
      RUNS,
    );
  });

  test(`${name}: random bytes and random JSON only ever raise DecodeError`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.jsonValue().map((value) => utf8.encode(JSON.stringify(value) ?? 'null')),
        ),
        (bytes) => {
          decodesOrRejects(() => decodeJson(schema, bytes), DecodeError);
        },
      ),
      RUNS,
    );
  });
}
