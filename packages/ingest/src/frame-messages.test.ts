import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, type FrameHeader } from '@shiriki/bus';
import { FrameMessages } from './frame-messages.js';
import type { Box } from '@shiriki/geometry';

const WIDTH = 8;
const HEIGHT = 4;
const FRAME_SIZE = (WIDTH * HEIGHT * 3) / 2;

const header = (sequence: number, motionBoxes: readonly Box[] = []): FrameHeader => ({
  camera: 'front',
  producer: 'ingest-1',
  producerEpoch: 7,
  sequence,
  captureTime: 1_700_000_000_000 + sequence,
  width: WIDTH,
  height: HEIGHT,
  pixelFormat: 'yuv420p',
  hasMotion: motionBoxes.length > 0,
  trackingRefresh: false,
  motionBoxes,
});

/** Fills a slot as the decoder would: every byte of the frame written. */
function decodeInto(slot: Uint8Array, seed: number): Uint8Array {
  for (let i = 0; i < slot.length; i++) slot[i] = (i * 3 + seed) & 0xff;
  return slot;
}

test('a frame decoded into the slot is published in place: header in front, pixels not copied', () => {
  const messages = new FrameMessages({ frameSize: FRAME_SIZE, sampleHeader: header(0), reservedBoxes: 4 });
  const slot = decodeInto(messages.payload(), 1);
  assert.equal(slot.byteLength, FRAME_SIZE);
  const boxes: Box[] = [
    [0, 0, 4, 2],
    [4, 2, 8, 4],
  ];
  const message = messages.message(header(5, boxes), slot);
  assert.equal(message.buffer, slot.buffer, 'the message shares the slot memory');
  const frame = decodeFrame(message);
  assert.equal(frame.sequence, 5);
  assert.deepEqual(frame.motionBoxes, boxes);
  assert.deepEqual(Uint8Array.from(frame.payload), decodeInto(new Uint8Array(FRAME_SIZE), 1));
  assert.notEqual(messages.payload(), slot, 'a published buffer is never handed out again');
});

test('the slot of an unpublished frame is reused for the next one', () => {
  const messages = new FrameMessages({ frameSize: FRAME_SIZE, sampleHeader: header(0) });
  const first = messages.payload();
  assert.equal(messages.payload(), first);
  decodeInto(first, 9);
  const frame = decodeFrame(messages.message(header(1), first));
  assert.deepEqual(Uint8Array.from(frame.payload), decodeInto(new Uint8Array(FRAME_SIZE), 9));
});

test('more boxes than the header room, or pixels from elsewhere, fall back to a copy', () => {
  const messages = new FrameMessages({ frameSize: FRAME_SIZE, sampleHeader: header(0), reservedBoxes: 1 });
  const slot = decodeInto(messages.payload(), 3);
  const boxes: Box[] = [
    [0, 0, 2, 2],
    [2, 2, 4, 4],
    [4, 0, 6, 2],
  ];
  const copied = messages.message(header(2, boxes), slot);
  assert.notEqual(copied.buffer, slot.buffer);
  assert.deepEqual(decodeFrame(copied).motionBoxes, boxes);
  assert.deepEqual(Uint8Array.from(decodeFrame(copied).payload), Uint8Array.from(slot));
  assert.equal(messages.payload(), slot, 'the slot stays available after a copy');

  const elsewhere = decodeInto(new Uint8Array(FRAME_SIZE), 4);
  assert.deepEqual(Uint8Array.from(decodeFrame(messages.message(header(3), elsewhere)).payload), elsewhere);
});

test('pixels that do not match the header size are refused instead of sending stray bytes', () => {
  const messages = new FrameMessages({ frameSize: FRAME_SIZE, sampleHeader: header(0) });
  const slot = messages.payload();
  assert.throws(() => messages.message({ ...header(1), width: 4 }, slot), RangeError);
  assert.throws(() => messages.message(header(1), new Uint8Array(FRAME_SIZE - 1)), RangeError);
});
