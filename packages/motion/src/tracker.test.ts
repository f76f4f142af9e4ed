import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MotionTracker } from './tracker.js';
import type { Box } from '@shiriki/geometry';

const still = { boxes: [] as Box[] };
const moving = (...boxes: Box[]) => ({ boxes });

test('an episode starts after startFrames consecutive frames with motion', () => {
  const tracker = new MotionTracker({ startFrames: 3, offDelayMs: 1000 });
  assert.equal(tracker.update(moving([10, 10, 20, 20]), 0), null);
  assert.equal(tracker.state, 'pending');
  assert.equal(tracker.update(still, 100), null, 'a gap resets the count');
  assert.equal(tracker.state, 'idle');
  assert.equal(tracker.update(moving([10, 10, 20, 20]), 200), null);
  assert.equal(tracker.update(moving([15, 5, 30, 20]), 300), null);
  assert.deepEqual(tracker.update(moving([12, 12, 18, 18]), 400), {
    type: 'started',
    startedAtMs: 200,
    box: [10, 5, 30, 20],
  });
  assert.equal(tracker.state, 'active');
});

test('an episode ends offDelayMs after the last motion, with its union box and peak area', () => {
  const tracker = new MotionTracker({ startFrames: 2, offDelayMs: 1000 });
  tracker.update(moving([0, 0, 10, 10]), 0);
  assert.equal(tracker.update(moving([0, 0, 10, 10], [50, 50, 60, 70]), 100)?.type, 'started');
  assert.equal(tracker.update(still, 500), null);
  assert.equal(tracker.update(moving([40, 40, 45, 45]), 900), null, 'motion again restarts the off delay');
  assert.equal(tracker.update(still, 1800), null);
  assert.deepEqual(tracker.update(still, 1900), {
    type: 'ended',
    startedAtMs: 0,
    lastMotionAtMs: 900,
    endedAtMs: 1900,
    box: [0, 0, 60, 70],
    peakArea: 100 + 200,
    motionFrames: 3,
  });
  assert.equal(tracker.state, 'idle');
  assert.equal(tracker.update(still, 5000), null, 'no second end');
});

test('flush ends an active episode and ignores a pending one', () => {
  const tracker = new MotionTracker({ startFrames: 2, offDelayMs: 30_000 });
  tracker.update(moving([0, 0, 4, 4]), 0);
  assert.equal(tracker.flush(10), null);
  assert.equal(tracker.state, 'idle');
  tracker.update(moving([0, 0, 4, 4]), 20);
  tracker.update(moving([0, 0, 4, 4]), 30);
  assert.equal(tracker.flush(40)?.endedAtMs, 40);
});

test('defaults: two frames to start, thirty seconds to end', () => {
  const tracker = new MotionTracker();
  tracker.update(moving([0, 0, 1, 1]), 0);
  assert.equal(tracker.update(moving([0, 0, 1, 1]), 100)?.type, 'started');
  assert.equal(tracker.update(still, 30_099), null);
  assert.equal(tracker.update(still, 30_100)?.type, 'ended');
});
