import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PAD_VALUE, Preprocessor, type InputFormat } from './preprocess.js';
import { fullFrameRegion } from './regions.js';

/** yuv420p frame, left half pure red, right half pure blue (BT.601 limited range). */
function redBlueFrame(width: number, height: number): { width: number; height: number; payload: Uint8Array } {
  const payload = new Uint8Array((width * height * 3) / 2);
  const red = { y: 81, u: 90, v: 240 };
  const blue = { y: 41, u: 240, v: 110 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) payload[y * width + x] = x < width / 2 ? red.y : blue.y;
  }
  const cw = width / 2;
  const ch = height / 2;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const c = x < cw / 2 ? red : blue;
      payload[width * height + y * cw + x] = c.u;
      payload[width * height + cw * ch + y * cw + x] = c.v;
    }
  }
  return { width, height, payload };
}

const base: InputFormat = {
  width: 32,
  height: 32,
  layout: 'nchw',
  pixelFormat: 'bgr',
  dtype: 'float32',
  scale: '0-255',
};

/** A preprocessor and the one input tensor the test letterboxes into. */
function preprocessor(format: InputFormat): { p: Preprocessor; data: Float32Array | Uint8Array } {
  const p = new Preprocessor(format);
  return { p, data: p.allocate() };
}

function pixel(
  { p, data }: { p: Preprocessor; data: Float32Array | Uint8Array },
  x: number,
  y: number,
): [number, number, number] {
  const { width: W, height: H, layout } = p.format;
  const at = (c: number) => (layout === 'nchw' ? data[c * W * H + y * W + x]! : data[(y * W + x) * 3 + c]!);
  return [at(0), at(1), at(2)];
}

test('colours convert to BGR 0-255 and the letterbox pads with 114 below the content', () => {
  const t = preprocessor(base);
  const scale = t.p.letterbox(redBlueFrame(64, 32), fullFrameRegion(64, 32), t.data);
  assert.equal(scale, 0.5);
  // Content is 32x16 at the top-left: red left, blue right.
  for (const y of [0, 7, 15]) {
    for (const x of [0, 15]) assert.deepEqual(pixel(t, x, y), [0, 0, 255], `red at ${x},${y}`);
    for (const x of [16, 31]) assert.deepEqual(pixel(t, x, y), [255, 0, 0], `blue at ${x},${y}`);
  }
  for (const y of [16, 31]) {
    for (const x of [0, 20, 31]) assert.deepEqual(pixel(t, x, y), [PAD_VALUE, PAD_VALUE, PAD_VALUE]);
  }
});

test('a tall frame pads to the right; RGB order and 0-1 scale', () => {
  const t = preprocessor({ ...base, pixelFormat: 'rgb', scale: '0-1' });
  t.p.letterbox(redBlueFrame(16, 32), fullFrameRegion(16, 32), t.data);
  assert.deepEqual(pixel(t, 0, 0), [1, 0, 0]);
  assert.deepEqual(pixel(t, 15, 31), [0, 0, 1]);
  assert.deepEqual(pixel(t, 16, 0), Array(3).fill(Math.fround(PAD_VALUE / 255)));
  assert.deepEqual(pixel(t, 31, 31), Array(3).fill(Math.fround(PAD_VALUE / 255)));
});

test('NHWC and NCHW hold the same values, for float and uint8', () => {
  const frame = redBlueFrame(64, 32);
  // Mid-grey ramp in luma so every pixel differs.
  for (let i = 0; i < 64 * 32; i++) frame.payload[i] = 16 + ((i * 7) % 220);
  for (const dtype of ['float32', 'uint8'] as const) {
    const nchw = preprocessor({ ...base, dtype });
    const nhwc = preprocessor({ ...base, dtype, layout: 'nhwc' });
    nchw.p.letterbox(frame, fullFrameRegion(64, 32), nchw.data);
    nhwc.p.letterbox(frame, fullFrameRegion(64, 32), nhwc.data);
    assert.deepEqual(nhwc.p.dims, [1, 32, 32, 3]);
    assert.deepEqual(nchw.p.dims, [1, 3, 32, 32]);
    assert.ok(dtype === 'uint8' ? nchw.data instanceof Uint8Array : nchw.data instanceof Float32Array);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) assert.deepEqual(pixel(nhwc, x, y), pixel(nchw, x, y));
    }
  }
});

test('a region is cropped before scaling, and stale content from a larger region is overwritten by padding', () => {
  const t = preprocessor(base);
  const frame = redBlueFrame(64, 32);
  t.p.letterbox(frame, fullFrameRegion(64, 32), t.data);
  // Right half only (blue), 32x16 -> scale 1: the content fills the top half.
  const scale = t.p.letterbox(frame, { x: 32, y: 0, width: 32, height: 16 }, t.data);
  assert.equal(scale, 1);
  assert.deepEqual(pixel(t, 0, 0), [255, 0, 0]);
  assert.deepEqual(pixel(t, 31, 15), [255, 0, 0]);
  assert.deepEqual(pixel(t, 0, 16), [PAD_VALUE, PAD_VALUE, PAD_VALUE]);
});

test('rgba frames (decoded JPEGs) letterbox to the same tensor as the yuv420p frame of the same colours', () => {
  const yuv = redBlueFrame(64, 32);
  const rgba = new Uint8Array(64 * 32 * 4);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 64; x++) rgba.set(x < 32 ? [255, 0, 0, 255] : [0, 0, 255, 255], (y * 64 + x) * 4);
  }
  for (const format of [base, { ...base, pixelFormat: 'rgb', layout: 'nhwc', scale: '0-1' }] as const) {
    const fromYuv = preprocessor(format);
    const fromRgb = preprocessor(format);
    for (const region of [fullFrameRegion(64, 32), { x: 20, y: 4, width: 30, height: 20 }]) {
      fromRgb.data.fill(7);
      const scaleYuv = fromYuv.p.letterbox(yuv, region, fromYuv.data);
      const scaleRgb = fromRgb.p.letterbox(
        { width: 64, height: 32, payload: rgba, pixelFormat: 'rgba' },
        region,
        fromRgb.data,
      );
      assert.equal(scaleRgb, scaleYuv);
      assert.deepEqual(fromRgb.data, fromYuv.data, `${format.layout} ${JSON.stringify(region)}`);
    }
  }
});
