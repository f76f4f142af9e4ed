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

test('while a tracked object is in view a still scene yields one frame per interval, until its end', () => {
  const policy = new FramePublishPolicy({ trackedFrameIntervalMs: 1000 });
  policy.onObjectEvent(0, { id: 'a', type: 'new', stationary: false });
  const published = frames(0, 5000, 200).filter((t) => policy.decide(t, false) === 'tracking');
  assert.deepEqual(published, [0, 1000, 2000, 3000, 4000]);
  policy.onObjectEvent(5000, { id: 'a', type: 'end', stationary: false });
  assert.deepEqual(
    frames(5000, 9000, 200).filter((t) => policy.decide(t, false) !== undefined),
    [],
    'nothing after the end',
  );
});

test('once every object is stationary, frames come at the stationary interval; a moving one speeds it up', () => {
  const policy = new FramePublishPolicy({ trackedFrameIntervalMs: 1000, stationaryFrameIntervalMs: 4000 });
  policy.onObjectEvent(0, { id: 'car', type: 'new', stationary: false });
  policy.onObjectEvent(0, { id: 'car', type: 'update', stationary: true });
  const parked = frames(0, 10_000, 200).filter((t) => policy.decide(t, false) !== undefined);
  assert.deepEqual(parked, [0, 4000, 8000]);
  assert.equal(policy.decide(8000 + 4000, false), 'stationary');
  policy.onObjectEvent(12_000, { id: 'person', type: 'new', stationary: false });
  assert.equal(policy.decide(13_000, false), 'tracking');
  assert.deepEqual(policy.trackedObjects(13_000), { moving: 1, stationary: 1 });
});

test('an object whose end was lost is forgotten after the hold', () => {
  const policy = new FramePublishPolicy({ trackedFrameIntervalMs: 1000, objectHoldMs: 5000 });
  policy.onObjectEvent(0, { id: 'a', type: 'new', stationary: false });
  const published = frames(0, 9000, 200).filter((t) => policy.decide(t, false) === 'tracking');
  assert.deepEqual(published, [0, 1000, 2000, 3000, 4000, 5000]);
  assert.deepEqual(policy.trackedObjects(9000), { moving: 0, stationary: 0 });
});

test('an update refreshes the hold', () => {
  const policy = new FramePublishPolicy({ objectHoldMs: 5000 });
  policy.onObjectEvent(0, { id: 'a', type: 'new', stationary: false });
  policy.onObjectEvent(4000, { id: 'a', type: 'update', stationary: false });
  assert.deepEqual(policy.trackedObjects(8000), { moving: 1, stationary: 0 });
});

test('idle refresh frames come at their own interval when enabled', () => {
  const policy = new FramePublishPolicy({ idleFrameIntervalMs: 3000 });
  const published = frames(0, 10_000, 500).filter((t) => policy.decide(t, false) === 'idle');
  assert.deepEqual(published, [0, 3000, 6000, 9000]);
});

test('after a start, frames go out at the tracked interval until objects it never heard of would have ended', () => {
  const policy = new FramePublishPolicy({ trackedFrameIntervalMs: 1000, unknownObjectsMs: 35_000 });
  const sent: number[] = [];
  for (let at = 0; at <= 60_000; at += 200) if (policy.decide(at, false) === 'tracking') sent.push(at);
  assert.equal(sent.length, 35, 'one a second while unknown objects may be open');
  assert.ok(
    sent.every((at) => at < 35_000),
    'then none in a quiet scene',
  );
  const off = new FramePublishPolicy({ trackedFrameIntervalMs: 1000 });
  for (let at = 0; at <= 10_000; at += 200) assert.equal(off.decide(at, false), undefined);
});
