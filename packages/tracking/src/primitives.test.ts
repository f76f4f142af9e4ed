import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HungarianSolver } from './hungarian.js';
import {
  DEFAULT_KALMAN_NOISE,
  kalmanInit,
  kalmanPredict,
  kalmanPredictedBox,
  kalmanUpdate,
} from './kalman.js';
import { median, rejectDetection } from './filters.js';
import { DEFAULT_OBJECT_FILTER } from './options.js';
import { box } from './test-support.js';

function bruteForce(cost: number[][]): number {
  const n = cost.length;
  let best = Infinity;
  const perm = (row: number, used: boolean[], sum: number): void => {
    if (row === n) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < n; j += 1) {
      if (used[j]) continue;
      used[j] = true;
      perm(row + 1, used, sum + (cost[row]?.[j] ?? 0));
      used[j] = false;
    }
  };
  perm(0, new Array<boolean>(n).fill(false), 0);
  return best;
}

describe('HungarianSolver', () => {
  it('finds the minimum-cost assignment (checked against brute force)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const solver = new HungarianSolver();
    for (let trial = 0; trial < 50; trial += 1) {
      const n = 1 + (trial % 6);
      const cost = Array.from({ length: n }, () =>
        Array.from({ length: n }, () => Math.round(random() * 100)),
      );
      const out = solver.solve(Float64Array.from(cost.flat()), n, n, 0, new Int32Array(n));
      const columns = new Set(out);
      assert.equal(columns.size, n);
      let sum = 0;
      for (let i = 0; i < n; i += 1) sum += cost[i]?.[out[i] ?? -1] ?? NaN;
      assert.equal(sum, bruteForce(cost));
    }
  });

  it('pads rectangular matrices and leaves extra rows unassigned', () => {
    const out = new HungarianSolver().solve(
      Float64Array.from([5, 1, 2, 9, 4, 3]),
      3,
      2,
      100,
      new Int32Array(3),
    );
    // Rows 0 and 1 take the cheap columns; row 2 has none left.
    assert.deepEqual(Array.from(out), [1, 0, -1]);
  });
});

describe('kalman', () => {
  it('learns a constant velocity and predicts ahead across irregular gaps', () => {
    const state = kalmanInit(box(100, 100), DEFAULT_KALMAN_NOISE);
    let t = 0;
    for (const dt of [0.2, 0.2, 0.4, 0.2, 0.6, 0.2]) {
      t += dt;
      kalmanPredict(state, dt, DEFAULT_KALMAN_NOISE);
      kalmanUpdate(state, box(100 + 100 * t, 100), DEFAULT_KALMAN_NOISE);
    }
    const predicted = kalmanPredictedBox(state, 0.4);
    const expectedX = 100 + 100 * (t + 0.4);
    assert.ok(Math.abs(predicted[0] - expectedX) < 3, `x ${predicted[0]} vs ${expectedX}`);
    assert.ok(Math.abs(predicted[1] - 100) < 1);
    assert.ok(Math.abs(predicted[2] - predicted[0] - 40) < 1);
  });
});

describe('detection filters', () => {
  const f = { ...DEFAULT_OBJECT_FILTER, min_area: 0.01, max_area: 0.5, min_ratio: 0.2, max_ratio: 1 };
  it('drops by score, area, ratio and mask', () => {
    assert.equal(rejectDetection(0.9, [100, 100, 140, 200], 640, 360, f), undefined);
    assert.equal(rejectDetection(0.4, [100, 100, 140, 200], 640, 360, f), 'min_score');
    assert.equal(rejectDetection(0.9, [100, 100, 110, 110], 640, 360, f), 'min_area');
    assert.equal(rejectDetection(0.9, [0, 0, 600, 300], 640, 360, f), 'max_area');
    assert.equal(rejectDetection(0.9, [100, 50, 130, 350], 640, 360, f), 'min_ratio');
    assert.equal(rejectDetection(0.9, [100, 100, 300, 200], 640, 360, f), 'max_ratio');
    const mask = [
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [0, 1],
    ] as [number, number][];
    // Bottom centre (120, 300) -> (0.1875, 0.83): inside the lower-left mask.
    assert.equal(rejectDetection(0.9, [100, 200, 140, 300], 640, 360, { ...f, mask: [mask] }), 'mask');
    // Same size box whose bottom centre is above the mask, although its body overlaps it.
    assert.equal(rejectDetection(0.9, [100, 80, 140, 170], 640, 360, { ...f, mask: [mask] }), undefined);
  });

  it('medians odd and even histories', () => {
    assert.equal(median([]), 0);
    assert.equal(median([0.9, 0.1, 0.5]), 0.5);
    assert.equal(median([0.6, 0.6, 0.9, 0.9]), 0.75);
  });
});
