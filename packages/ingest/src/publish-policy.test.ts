import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FramePublishPolicy } from './publish-policy.js';

const frames = (fromMs: number, toMs: number, stepMs: number): number[] =>
  Array.from({ length: Math.floor((toMs - fromMs) / stepMs) }, (_, i) => fromMs + i * stepMs);

test('a quiet scene without objects publishes nothing', () => {
  const policy = new FramePublishPolicy();
  assert.deepEqual(
    frames(0, 10_000, 200)
      .map((t) => policy.decide(t, false))
      .filter(Boolean),
    [],
  );
});

test('every motion frame is published', () => {
  const policy = new FramePublishPolicy();
  const decisions = frames(0, 2000, 200).map((t) => policy.decide(t, true));
  assert.ok(decisions.every((d) => d === 'motion'));
});

test('while objects are tracked a still scene yields one frame per interval, then stops after the hold', () => {
  const policy = new FramePublishPolicy({ trackedFrameIntervalMs: 1000, objectHoldMs: 5000 });
  policy.onDetections(0, 2);
  const published = frames(0, 9000, 200).filter((t) => policy.decide(t, false) === 'tracking');
  assert.deepEqual(published, [0, 1000, 2000, 3000, 4000, 5000]);
});

test('detections without objects do not start tracking refreshes', () => {
  const policy = new FramePublishPolicy();
  policy.onDetections(0, 0);
  assert.equal(policy.decide(100, false), undefined);
});

test('idle refresh frames come at their own interval when enabled', () => {
  const policy = new FramePublishPolicy({ idleFrameIntervalMs: 3000 });
  const published = frames(0, 10_000, 500).filter((t) => policy.decide(t, false) === 'idle');
  assert.deepEqual(published, [0, 3000, 6000, 9000]);
});
