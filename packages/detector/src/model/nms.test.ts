import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonMaxSuppression } from './nms.js';

test('nms keeps the best of duplicates per class and leaves other classes alone', () => {
  const kept = nonMaxSuppression(
    [
      { label_id: 0, score: 0.7, box: [1, 1, 11, 11] as [number, number, number, number] },
      { label_id: 0, score: 0.9, box: [0, 0, 10, 10] as [number, number, number, number] },
      { label_id: 1, score: 0.8, box: [0, 0, 10, 10] as [number, number, number, number] },
      { label_id: 0, score: 0.6, box: [50, 50, 60, 60] as [number, number, number, number] },
    ],
    0.45,
  );
  assert.deepEqual(
    kept.map((k) => [k.label_id, k.score]),
    [
      [0, 0.9],
      [1, 0.8],
      [0, 0.6],
    ],
  );
});
