import assert from 'node:assert/strict';
import { test } from 'node:test';
import { motionRegions } from './regions.js';

const W = 768;
const H = 432;

test('no motion boxes give the whole frame', () => {
  assert.deepEqual(motionRegions(W, H, [], { minSize: 416 }), [{ x: 0, y: 0, width: W, height: H }]);
});

test('a small box gets a model-sized square centred on it, moved inside the frame', () => {
  assert.deepEqual(motionRegions(W, H, [[300, 100, 340, 160]], { minSize: 320 }), [
    { x: 160, y: 0, width: 320, height: 320 },
  ]);
  assert.deepEqual(motionRegions(W, H, [[740, 400, 768, 432]], { minSize: 320 }), [
    { x: 448, y: 112, width: 320, height: 320 },
  ]);
});

test('a large box is scaled by the margin and clamped to the frame', () => {
  const [region] = motionRegions(W, H, [[380, 16, 516, 407]], { minSize: 416, margin: 1.25 });
  // 391 * 1.25 = 489 wide, but only 432 high.
  assert.deepEqual(region, { x: 204, y: 0, width: 489, height: 432 });
});

test('overlapping regions merge into one covering both; separate ones stay apart', () => {
  const merged = motionRegions(
    W,
    H,
    [
      [100, 100, 120, 120],
      [200, 150, 220, 170],
    ],
    { minSize: 200 },
  );
  assert.equal(merged.length, 1);
  const [r] = merged;
  assert.ok(r && r.x <= 100 && r.y <= 100 && r.x + r.width >= 220 && r.y + r.height >= 170);
  const apart = motionRegions(
    W,
    H,
    [
      [0, 0, 20, 20],
      [740, 400, 760, 420],
    ],
    { minSize: 100 },
  );
  assert.deepEqual(apart, [
    { x: 0, y: 0, width: 100, height: 100 },
    { x: 668, y: 332, width: 100, height: 100 },
  ]);
});

test('more regions than maxRegions fall back to the whole frame', () => {
  const boxes = [0, 1, 2].map((i) => [i * 300, 0, i * 300 + 10, 10] as const);
  assert.equal(motionRegions(W, H, boxes, { minSize: 50 }).length, 3);
  assert.deepEqual(motionRegions(W, H, boxes, { minSize: 50, maxRegions: 2 }), [
    { x: 0, y: 0, width: W, height: H },
  ]);
});
