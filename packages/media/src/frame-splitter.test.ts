import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@shiriki/testing';
import { FrameSplitter } from './frame-splitter.js';

const FRAME_SIZE = 1000;

/** `count` frames whose bytes all differ from their neighbours', so any misalignment shows. */
function makeStream(count: number): { stream: Uint8Array; frames: Uint8Array[] } {
  const stream = new Uint8Array(count * FRAME_SIZE);
  for (let i = 0; i < stream.length; i++) stream[i] = (i * 7 + Math.floor(i / FRAME_SIZE) * 13) & 0xff;
  const frames = Array.from({ length: count }, (_, i) => stream.slice(i * FRAME_SIZE, (i + 1) * FRAME_SIZE));
  return { stream, frames };
}

/**
 * Feeds `stream` through in-place reads as a socket would: each read fills at most `sizes()` bytes of what
 * `readBuffer()` offers, then `wrote` reports them.
 */
function readInPlace(splitter: FrameSplitter, stream: Uint8Array, sizes: () => number): void {
  for (let offset = 0; offset < stream.length;) {
    const target = splitter.readBuffer();
    assert.ok(target.byteLength > 0, 'a read buffer is never empty');
    const size = Math.min(target.byteLength, Math.max(1, sizes()), stream.length - offset);
    target.set(stream.subarray(offset, offset + size));
    splitter.wrote(size);
    offset += size;
  }
}

test('reset() drops a partial frame so the next stream starts at a boundary', () => {
  const frames: Uint8Array[] = [];
  const splitter = new FrameSplitter({ frameSize: 4, onFrame: (frame) => frames.push(frame.slice()) });
  readInPlace(splitter, Uint8Array.of(9, 9, 9), () => 3);
  assert.equal(splitter.pendingBytes, 3);
  splitter.reset();
  readInPlace(splitter, Uint8Array.of(1, 2, 3, 4), () => 4);
  assert.deepEqual(frames, [Uint8Array.of(1, 2, 3, 4)]);
});

test('an invalid frame size is rejected', () => {
  assert.throws(() => new FrameSplitter({ frameSize: 0, onFrame: () => undefined }), {
    name: 'DecoderOptionsError',
  });
});

/**
 * A splitter whose `allocate` hands out payload slots at an offset of a larger message buffer, as the ingest
 * pipeline allocates them, and records each slot and each frame.
 */
function slotSplitter(): { splitter: FrameSplitter; handed: Uint8Array[]; frames: Uint8Array[] } {
  const handed: Uint8Array[] = [];
  const frames: Uint8Array[] = [];
  const splitter = new FrameSplitter({
    frameSize: FRAME_SIZE,
    allocate: () => {
      const slot = new Uint8Array(FRAME_SIZE + 64).fill(0xee).subarray(64);
      handed.push(slot);
      return slot;
    },
    onFrame: (frame) => frames.push(frame),
  });
  return { splitter, handed, frames };
}

/** Each frame is the slot handed out for it, holds the expected bytes, and the room in front is untouched. */
function assertSlotsHold(frames: Uint8Array[], handed: Uint8Array[], expected: Uint8Array[]): void {
  assert.equal(frames.length, expected.length);
  frames.forEach((frame, i) => {
    assert.equal(frame, handed[i], `frame ${i} is the allocated buffer itself`);
    assert.deepEqual(frame, expected[i], `frame ${i}`);
    // The bytes in front of the slot (the message header's room) are never written.
    assert.deepEqual([...new Uint8Array(frame.buffer, 0, 64)], new Array<number>(64).fill(0xee));
  });
}

test('with allocate, a buffer handed back is reused, skipped frames allocate nothing and reset starts over', () => {
  const { stream, frames: expected } = makeStream(6);
  const spare = new Uint8Array(FRAME_SIZE);
  let allocations = 0;
  // Keep every other frame: a refused frame is asked about again once its first bytes arrive, so the choice
  // follows the frames, not the calls.
  let keepNext = true;
  let keepAll = false;
  const kept: Uint8Array[] = [];
  const splitter = new FrameSplitter({
    frameSize: FRAME_SIZE,
    accept: () => keepAll || keepNext, // frames 0, 2, 4
    onSkip: () => (keepNext = true),
    allocate: () => {
      allocations++;
      return spare;
    },
    onFrame: (frame) => {
      assert.equal(frame, spare);
      kept.push(frame.slice());
      keepNext = false;
    },
  });
  readInPlace(splitter, stream, () => 700);
  assert.equal(allocations, 3, 'one buffer asked for per accepted frame, none for skipped ones');
  assert.deepEqual(kept, [expected[0], expected[2], expected[4]]);

  keepAll = true;
  readInPlace(splitter, stream.subarray(0, 10), () => 10);
  splitter.reset();
  readInPlace(splitter, stream.subarray(FRAME_SIZE, 2 * FRAME_SIZE), () => 700);
  assert.deepEqual(kept.at(-1), expected[1], 'the frame after a reset is whole and aligned');
});

test('allocate must return exactly one frame of bytes', () => {
  const splitter = new FrameSplitter({
    frameSize: 4,
    allocate: () => new Uint8Array(5),
    onFrame: () => undefined,
  });
  assert.throws(() => splitter.readBuffer(), RangeError);
});

test('in-place reads land in the allocated buffer itself and reproduce the frames at any read size', () => {
  const { stream, frames: expected } = makeStream(12);
  const random = seededRandom(11);
  for (const sizes of [
    () => 1,
    () => 3 * FRAME_SIZE,
    () => 333,
    () => Math.floor(random() * 2 * FRAME_SIZE),
  ]) {
    const { splitter, handed, frames } = slotSplitter();
    readInPlace(splitter, stream, sizes);
    assertSlotsHold(frames, handed, expected);
    assert.deepEqual(splitter.counts, {
      bytesIn: stream.length,
      framesCopied: 0,
      framesInPlace: expected.length,
      framesSkipped: 0,
    });
    assert.equal(splitter.pendingBytes, 0);
  }
});

test('in-place reads without allocate reuse one scratch buffer', () => {
  const { stream, frames: expected } = makeStream(4);
  const seen: Uint8Array[] = [];
  const splitter = new FrameSplitter({ frameSize: FRAME_SIZE, onFrame: (frame) => seen.push(frame) });
  const copies: Uint8Array[] = [];
  splitter.readBuffer();
  readInPlace(splitter, stream.subarray(0, FRAME_SIZE), () => 400);
  copies.push(seen[0]!.slice());
  readInPlace(splitter, stream.subarray(FRAME_SIZE), () => 700);
  assert.equal(seen.length, 4);
  assert.ok(seen.every((frame) => frame === seen[0]));
  assert.deepEqual(copies[0], expected[0]);
  assert.deepEqual(seen[3], expected[3]);
});

test('in place, a frame refused when it begins is skipped whole and alignment holds', () => {
  const { stream, frames: expected } = makeStream(6);
  const kept: Uint8Array[] = [];
  let frameIndex = 0;
  let skipped = 0;
  let allocations = 0;
  const splitter = new FrameSplitter({
    frameSize: FRAME_SIZE,
    accept: () => frameIndex % 2 === 0, // keep frames 0, 2, 4
    allocate: () => {
      allocations++;
      return new Uint8Array(FRAME_SIZE);
    },
    onFrame: (frame) => {
      frameIndex++;
      kept.push(frame);
    },
    onSkip: () => {
      frameIndex++;
      skipped++;
    },
  });
  readInPlace(splitter, stream, () => 700);
  assert.deepEqual(kept, [expected[0], expected[2], expected[4]]);
  assert.equal(skipped, 3);
  assert.equal(allocations, 3, 'skipped frames allocate nothing');
  assert.equal(splitter.counts.framesSkipped, 3);
  assert.equal(splitter.counts.framesInPlace, 3);
});

test("in place, a consumer that becomes free before a frame's first bytes arrive still gets that frame", () => {
  const { stream, frames: expected } = makeStream(3);
  const kept: Uint8Array[] = [];
  let busy = false;
  const splitter = new FrameSplitter({
    frameSize: FRAME_SIZE,
    accept: () => !busy,
    onFrame: (frame) => {
      kept.push(frame.slice());
      busy = true; // an async handler: busy when the next read buffer is asked for right after this frame
    },
  });
  for (let offset = 0; offset < stream.length;) {
    const target = splitter.readBuffer();
    busy = false; // its promise settles before the next read completes
    const size = Math.min(target.byteLength, 600);
    target.set(stream.subarray(offset, offset + size));
    splitter.wrote(size);
    offset += size;
  }
  assert.deepEqual(kept, expected);
  assert.equal(splitter.counts.framesSkipped, 0);
  assert.equal(splitter.counts.framesCopied, 2, 'the first bytes of frames 1 and 2 were copied once');
  assert.equal(splitter.counts.framesInPlace, 1);
});

test('in place, a read larger than what was offered is rejected', () => {
  const splitter = new FrameSplitter({ frameSize: 4, onFrame: () => undefined });
  splitter.readBuffer();
  splitter.wrote(3);
  assert.throws(() => splitter.wrote(2), RangeError);
});
