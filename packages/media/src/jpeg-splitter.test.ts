import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JpegSplitter, type JpegStreamError } from './jpeg-splitter.js';

/** A JPEG-shaped byte sequence: header segments whose bytes include FF D9, a scan with stuffed bytes and restarts. */
function syntheticJpeg(seed: number): Buffer {
  const segment = (marker: number, body: number[]): number[] => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const table = Array.from({ length: 65 }, (_, i) => (i % 7 === 0 ? 0xff : i % 7 === 1 ? 0xd9 : i + seed));
  const entropy: number[] = [];
  for (let i = 0; i < 200 + seed * 13; i++) {
    const value = (i * 37 + seed * 11) & 0xff;
    entropy.push(value);
    if (value === 0xff) entropy.push(0x00); // stuffed, as an encoder writes it
    if (i % 50 === 49) entropy.push(0xff, 0xd0 + ((i / 50) % 8)); // restart marker
  }
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xfe, [0xff, 0xd9, 0xff, 0xd8]), // a comment that looks like markers
    ...segment(0xdb, table),
    ...segment(0xc0, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 63, 0]),
    ...entropy,
    0xff,
    0xd9,
  ]);
}

function split(
  stream: Buffer,
  chunkSizes: (index: number) => number,
): { images: Buffer[]; garbage: JpegStreamError[] } {
  const images: Buffer[] = [];
  const garbage: JpegStreamError[] = [];
  const splitter = new JpegSplitter({
    onImage: (jpeg) => images.push(jpeg),
    onGarbage: (e) => garbage.push(e),
  });
  for (let at = 0, index = 0; at < stream.length; index++) {
    const size = Math.max(1, chunkSizes(index));
    splitter.push(stream.subarray(at, at + size));
    at += size;
  }
  return { images, garbage };
}

test('concatenated JPEGs come out whole, however the stream is cut, FF D9 in tables and comments included', () => {
  const jpegs = [syntheticJpeg(1), syntheticJpeg(2), syntheticJpeg(3)];
  const stream = Buffer.concat(jpegs);
  for (const [name, sizes] of [
    ['one byte at a time', () => 1],
    ['whole', () => stream.length],
    ['odd chunks', (i: number) => ((i * 7919) % 97) + 1],
  ] as const) {
    const { images, garbage } = split(stream, sizes);
    assert.equal(images.length, 3, name);
    images.forEach((image, i) => assert.ok(image.equals(jpegs[i]!), `${name}: image ${i}`));
    assert.deepEqual(garbage, [], name);
  }
});

test('bytes that are no JPEG are skipped and reported; the images after them still come out', () => {
  const jpeg = syntheticJpeg(4);
  const stream = Buffer.concat([
    Buffer.from('not a jpeg'),
    jpeg,
    Buffer.from([0xff, 0xd8, 0x00, 0x01]),
    jpeg,
  ]);
  const { images, garbage } = split(stream, (i) => 5 + (i % 11));
  assert.equal(images.length, 2);
  for (const image of images) assert.ok(image.equals(jpeg));
  assert.equal(garbage.length, 2, garbage.map((e) => e.message).join('; '));
});

test('an image larger than allowed is dropped as garbage instead of growing the buffer without end', () => {
  const images: Buffer[] = [];
  const garbage: JpegStreamError[] = [];
  const splitter = new JpegSplitter({
    onImage: (jpeg) => images.push(jpeg),
    onGarbage: (e) => garbage.push(e),
    maxImageBytes: 1000,
  });
  const head = syntheticJpeg(5).subarray(0, 200); // into the scan, no EOI
  splitter.push(head);
  for (let i = 0; i < 20; i++) splitter.push(Buffer.alloc(100, 0x12));
  assert.ok(garbage.length >= 1);
  assert.ok(splitter.pendingBytes <= 1100, `holds ${splitter.pendingBytes} bytes`);
  splitter.push(syntheticJpeg(6));
  assert.equal(images.length, 1);
});
