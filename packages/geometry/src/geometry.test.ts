import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boxArea, boxesOverlap, iou, isOnEdge, pointInPolygon, unionBox } from './index.js';

describe('geometry', () => {
  it('computes IoU and point-in-polygon', () => {
    assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
    assert.equal(iou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
    assert.ok(Math.abs(iou([0, 0, 10, 10], [5, 0, 15, 10]) - 1 / 3) < 1e-12);
    const triangle = [
      [0, 0],
      [1, 0],
      [0, 1],
    ] as const;
    assert.equal(pointInPolygon([0.2, 0.2], triangle), true);
    assert.equal(pointInPolygon([0.8, 0.8], triangle), false);
  });

  it('flags boxes touching the frame border within the margin', () => {
    assert.equal(isOnEdge([0, 50, 40, 150], 640, 360, 2), true);
    assert.equal(isOnEdge([2, 50, 40, 150], 640, 360, 2), true);
    assert.equal(isOnEdge([3, 50, 40, 150], 640, 360, 2), false);
    assert.equal(isOnEdge([100, 50, 637, 150], 640, 360, 2), true);
    assert.equal(isOnEdge([100, 50, 200, 357], 640, 360, 2), true);
    assert.equal(isOnEdge([100, 50, 200, 356], 640, 360, 2), false);
  });
});

describe('box arithmetic', () => {
  it('gives empty or inverted boxes no area', () => {
    assert.equal(boxArea([10, 10, 20, 30]), 200);
    assert.equal(boxArea([10, 10, 10, 30]), 0);
    assert.equal(boxArea([20, 10, 10, 30]), 0);
  });

  it('unions and overlaps with exclusive right and bottom edges', () => {
    assert.deepEqual(unionBox([0, 5, 10, 10], [5, 0, 20, 8]), [0, 0, 20, 10]);
    assert.equal(boxesOverlap([0, 0, 10, 10], [9, 9, 20, 20]), true);
    assert.equal(boxesOverlap([0, 0, 10, 10], [10, 0, 20, 10]), false);
  });
});
