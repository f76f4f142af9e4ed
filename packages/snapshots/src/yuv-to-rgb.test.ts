import assert from 'node:assert/strict';
import { test } from 'node:test';
import { yuv420pToRgb } from './yuv-to-rgb.js';

function solidFrame(width: number, height: number, y: number, u: number, v: number): Uint8Array {
  const luma = width * height;
  const frame = new Uint8Array((luma * 3) / 2);
  frame.fill(y, 0, luma);
  frame.fill(u, luma, luma + luma / 4);
  frame.fill(v, luma + luma / 4);
  return frame;
}

test('converts BT.601 limited-range colours to RGB', () => {
  const cases: [y: number, u: number, v: number, rgb: [number, number, number]][] = [
    [16, 128, 128, [0, 0, 0]],
    [235, 128, 128, [255, 255, 255]],
    [126, 128, 128, [128, 128, 128]],
    [81, 90, 240, [255, 0, 0]],
    [145, 54, 34, [0, 255, 0]],
    [41, 240, 110, [0, 0, 255]],
  ];
  const out = new Uint8ClampedArray(4 * 2 * 3);
  for (const [y, u, v, rgb] of cases) {
    yuv420pToRgb(solidFrame(4, 2, y, u, v), 4, 2, out);
    for (let i = 0; i < 8; i++) {
      for (let c = 0; c < 3; c++) {
        assert.ok(
          Math.abs(out[i * 3 + c]! - rgb[c]!) <= 2,
          `yuv ${y},${u},${v} -> ${[...out.subarray(0, 3)].join(',')}`,
        );
      }
    }
  }
});

test('each 2x2 block uses its own chroma sample and every pixel its own luma', () => {
  const frame = solidFrame(4, 2, 126, 128, 128);
  frame[1] = 235; // top-left block, second pixel: white
  frame[8 + 1] = 240; // U of the right block: blue shift
  const out = yuv420pToRgb(frame, 4, 2, new Uint8ClampedArray(24));
  assert.deepEqual([...out.subarray(3, 6)], [255, 255, 255]);
  assert.deepEqual([...out.subarray(0, 3)], [128, 128, 128]);
  assert.ok(out[2 * 3 + 2]! > 250 && out[2 * 3]! < 140, 'right block is blue-ish');
});

test('rejects buffers that are too small', () => {
  assert.throws(() => yuv420pToRgb(new Uint8Array(5), 4, 2, new Uint8ClampedArray(24)), RangeError);
  assert.throws(() => yuv420pToRgb(new Uint8Array(12), 4, 2, new Uint8ClampedArray(10)), RangeError);
});
