import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import {
  decodeFrame,
  encodeFrame,
  encodeFrameHeaderInto,
  frameHeaderSize,
  frameMessageSize,
  type Frame,
} from './frame-codec.js';
import { FrameDecodeError, FrameEncodeError, type FrameErrorReason } from './errors.js';
import { randomFrame } from '../test/random-frame.js';

function decodeError(bytes: Uint8Array): FrameDecodeError {
  try {
    decodeFrame(bytes);
  } catch (error) {
    assert.ok(error instanceof FrameDecodeError, `expected FrameDecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('decodeFrame accepted a malformed message');
}

function flipBit(bytes: Uint8Array, byte: number, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[byte] = copy[byte]! ^ (1 << bit);
  return copy;
}

test('random frames of every pixel format survive a round trip unchanged', () => {
  for (let i = 0; i < 500; i++) {
    const frame = randomFrame();
    const message = encodeFrame(frame);
    assert.equal(message.byteLength, frameMessageSize(frame, frame.payload.byteLength));
    assert.deepEqual(decodeFrame(message), frame);
  }
});

test('a JPEG frame carries any size of JPEG, and only a JPEG', () => {
  const frame = randomFrame({ pixelFormat: 'jpeg', width: 640, height: 360 });
  for (const length of [4, 1000, 70_000]) {
    const payload = new Uint8Array(randomBytes(length));
    payload.set([0xff, 0xd8]);
    assert.deepEqual(decodeFrame(encodeFrame({ ...frame, payload })).payload, payload);
  }
  const notJpeg = { ...frame, payload: new Uint8Array(100) };
  assert.throws(
    () => encodeFrame(notJpeg),
    (error: unknown) => error instanceof FrameEncodeError && error.reason === 'bad_payload',
  );
  assert.throws(
    () => encodeFrame({ ...frame, payload: new Uint8Array([0xff, 0xd8]) }),
    (error: unknown) => error instanceof FrameEncodeError && error.reason === 'payload_size_mismatch',
  );
  assert.throws(
    () => frameMessageSize(frame),
    (error: unknown) => error instanceof FrameEncodeError && error.reason === 'payload_size_mismatch',
  );

  const message = encodeFrame(frame);
  const payloadAt = frameHeaderSize(frame);
  const damaged = message.slice();
  damaged[payloadAt] = 0;
  assert.equal(decodeError(damaged).reason, 'bad_payload');
  const huge = message.slice();
  new DataView(huge.buffer).setUint32(payloadAt - 4, 0xffffffff, true);
  assert.equal(decodeError(huge).reason, 'payload_size_mismatch');
});

test('the decoded payload is a view into the message, not a copy', () => {
  const message = encodeFrame(randomFrame());
  const frame = decodeFrame(message);
  assert.equal(frame.payload.buffer, message.buffer);
  assert.equal(frame.payload.byteOffset + frame.payload.byteLength, message.byteLength);
});

test('decodes a message that sits at an odd offset inside a larger buffer', () => {
  const frame = randomFrame();
  const message = encodeFrame(frame);
  const backing = new Uint8Array(message.byteLength + 7);
  backing.set(message, 3);
  assert.deepEqual(decodeFrame(backing.subarray(3, 3 + message.byteLength)), frame);
});

test('encodeFrameHeaderInto lets a publisher write pixels in place', () => {
  const frame = randomFrame({ pixelFormat: 'yuv420p', width: 64, height: 36 });
  const target = new Uint8Array(5 + frameMessageSize(frame));
  const written = encodeFrameHeaderInto(target, frame, 5);
  assert.equal(written, frameHeaderSize(frame));
  target.set(frame.payload, 5 + written);
  assert.deepEqual(decodeFrame(target.subarray(5)), frame);
  assert.throws(
    () => encodeFrameHeaderInto(new Uint8Array(written), frame),
    (error: unknown) => error instanceof FrameEncodeError && error.reason === 'buffer_too_small',
  );
});

test('sequence numbers up to 2^53 - 1 round trip; larger ones are rejected on the wire', () => {
  const frame = { ...randomFrame(), sequence: Number.MAX_SAFE_INTEGER };
  const message = encodeFrame(frame);
  assert.equal(decodeFrame(message).sequence, Number.MAX_SAFE_INTEGER);
  new DataView(message.buffer).setBigUint64(12, 2n ** 53n, true);
  assert.equal(decodeError(message).reason, 'bad_sequence');
});

test('every truncation of a valid message is rejected', () => {
  const message = encodeFrame(randomFrame({ width: 8, height: 6 }));
  for (let length = 0; length < message.byteLength; length++) {
    decodeError(message.subarray(0, length));
  }
  assert.equal(decodeError(new Uint8Array([...message, 0])).reason, 'trailing_bytes');
});

test('bit flips in magic, version, format, dimensions, sequence and payload length are rejected', () => {
  const frame = randomFrame({ pixelFormat: 'yuv420p', width: 16, height: 12, sequence: 42 });
  frame.payload[0] = 0; // read as a JPEG (format flipped to 5), the payload must not start like one
  const message = encodeFrame(frame);
  const payloadLengthAt = frameHeaderSize(frame) - 4;
  const expectReason = (bytes: number[], bits: number[], reasons: FrameErrorReason[]): void => {
    for (const byte of bytes) {
      for (const bit of bits) {
        const error = decodeError(flipBit(message, byte, bit));
        assert.ok(reasons.includes(error.reason), `byte ${byte} bit ${bit}: ${error.reason}`);
      }
    }
  };
  const allBits = [0, 1, 2, 3, 4, 5, 6, 7];
  expectReason([0, 1, 2, 3], allBits, ['bad_magic']);
  expectReason([4], allBits, ['unsupported_version']);
  expectReason([5], allBits, ['bad_pixel_format', 'payload_size_mismatch', 'bad_payload']);
  expectReason([8, 9, 10, 11], allBits, ['bad_dimensions', 'bad_box', 'payload_size_mismatch']);
  expectReason([18], [5, 6, 7], ['bad_sequence']);
  expectReason([19], allBits, ['bad_sequence']);
  expectReason([payloadLengthAt, payloadLengthAt + 1, payloadLengthAt + 2, payloadLengthAt + 3], allBits, [
    'payload_size_mismatch',
  ]);
});

test('malformed boxes, cameras and producers are named as such', () => {
  const frame = randomFrame({ camera: 'front', width: 32, height: 32 });
  const boxed: Frame = { ...frame, motionBoxes: [[0, 0, 32, 32]] };
  const message = encodeFrame(boxed);
  const boxAt = frameHeaderSize(boxed) - 4 - 8;
  const view = new DataView(message.buffer);
  view.setUint16(boxAt + 4, 33, true); // x2 beyond the width
  assert.equal(decodeError(message).reason, 'bad_box');
  view.setUint16(boxAt + 4, 0, true); // x2 == x1: empty
  assert.equal(decodeError(message).reason, 'bad_box');

  const camera = encodeFrame(boxed);
  camera[33] = '.'.charCodeAt(0); // `.` would split the subject token
  assert.equal(decodeError(camera).reason, 'bad_camera');

  const producer = encodeFrame(boxed);
  producer[32 + 1 + 'front'.length + 1] = 0xff; // not UTF-8
  assert.equal(decodeError(producer).reason, 'bad_producer');
});

test('the encoder refuses frames the decoder would reject', () => {
  const frame = randomFrame({ pixelFormat: 'yuv420p', width: 16, height: 12 });
  const cases: Array<[Frame, string]> = [
    [{ ...frame, camera: 'front door' }, 'bad_camera'],
    [{ ...frame, width: 15 }, 'bad_dimensions'],
    [{ ...frame, width: 0 }, 'bad_dimensions'],
    [{ ...frame, payload: frame.payload.subarray(1) }, 'payload_size_mismatch'],
    [{ ...frame, motionBoxes: [[4, 4, 4, 8]] }, 'bad_box'],
    [{ ...frame, motionBoxes: [[0, 0, 17, 8]] }, 'bad_box'],
    [{ ...frame, sequence: 2 ** 53 }, 'bad_sequence'],
    [{ ...frame, producerEpoch: 2 ** 32 }, 'bad_epoch'],
    [{ ...frame, producer: '' }, 'bad_producer'],
    [{ ...frame, producer: 'x'.repeat(256) }, 'bad_producer'],
    [{ ...frame, captureTime: Number.NaN }, 'bad_capture_time'],
  ];
  for (const [bad, reason] of cases) {
    assert.throws(
      () => encodeFrame(bad),
      (error: unknown) => error instanceof FrameEncodeError && error.reason === reason,
      reason,
    );
  }
});

test('random garbage and randomly mutated messages only ever raise FrameDecodeError', () => {
  for (let i = 0; i < 3000; i++) {
    const garbage = new Uint8Array(randomBytes(randomInt(0, 200)));
    if (i % 2 === 0 && garbage.byteLength >= 5) garbage.set([0x53, 0x48, 0x46, 0x52, 1], 0); // get past the magic
    decodeError(garbage.subarray(0, garbage.byteLength));
  }
  for (let i = 0; i < 2000; i++) {
    const message = encodeFrame(randomFrame({ width: 8, height: 8 }));
    for (let flips = randomInt(1, 4); flips > 0; flips--) {
      message[randomInt(message.byteLength)] = randomInt(256);
    }
    try {
      decodeFrame(message);
    } catch (error) {
      assert.ok(error instanceof FrameDecodeError, String(error));
    }
  }
});
