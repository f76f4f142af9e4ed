import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Detection } from '@shiriki/bus';
import { seededRandom } from '@shiriki/testing';
import { SnapshotPolicy, type SnapshotFrame } from './policy.js';
import { isBetterSnapshot } from './rule.js';

const W = 640;
const H = 360;

function person(score: number, box: [number, number, number, number], label = 'person'): Detection {
  return { label, label_id: label === 'person' ? 0 : 2, score, box };
}

function frame(sequence: number, detections: Detection[], camera = 'front'): SnapshotFrame {
  return { camera, sequence, captureTime: 1_000_000 + sequence * 100, width: W, height: H, detections };
}

/** Decides and, when it says so, records the snapshot as the worker does after publishing it. */
function step(policy: SnapshotPolicy, f: SnapshotFrame): string {
  const decision = policy.decide(f);
  if (decision.snapshot) policy.record(f, decision.worthy);
  return decision.reason;
}

const box: [number, number, number, number] = [200, 60, 300, 300];

test('only detections of tracked labels at or above the threshold count', () => {
  const policy = new SnapshotPolicy({
    threshold: 0.5,
    intervalMs: 1000,
    trackedLabels: new Map([['front', new Set(['person'])]]),
  });
  assert.equal(step(policy, frame(1, [])), 'nothing_worthy');
  assert.equal(step(policy, frame(2, [person(0.49, box)])), 'nothing_worthy');
  assert.equal(step(policy, frame(3, [person(0.9, box, 'car')])), 'nothing_worthy');
  assert.equal(step(policy, frame(4, [person(0.9, box, 'car')], 'back')), 'no_recent', 'back tracks all');
  const decision = policy.decide(frame(5, [person(0.9, box, 'car'), person(0.6, box)]));
  assert.equal(decision.reason, 'no_recent');
  assert.deepEqual(
    decision.worthy.map((d) => d.label),
    ['person'],
  );
});

test('a frame no better than a recent snapshot of the same object is skipped; a better one is not', () => {
  const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000 });
  assert.equal(step(policy, frame(1, [person(0.8, box)])), 'no_recent');
  assert.equal(step(policy, frame(2, [person(0.8, box)])), 'covered', 'identical');
  assert.equal(step(policy, frame(3, [person(0.7, [205, 65, 295, 295])])), 'covered', 'lower and smaller');
  assert.equal(step(policy, frame(4, [person(0.81, box)])), 'may_be_better', 'higher score');
  assert.equal(step(policy, frame(5, [person(0.6, [198, 58, 302, 302])])), 'may_be_better', 'larger box');
  // Frame 5's box is now on record: a smaller box at a score below frame 4's is covered by frame 4.
  assert.equal(step(policy, frame(6, [person(0.8, box)])), 'covered');
});

test('a second object without a match in the recent snapshots gets a snapshot', () => {
  const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000 });
  step(policy, frame(1, [person(0.9, box)]));
  assert.equal(
    step(policy, frame(2, [person(0.6, box), person(0.55, [450, 50, 520, 250])])),
    'may_be_better',
  );
  assert.equal(step(policy, frame(3, [person(0.6, box), person(0.55, [450, 50, 520, 250])])), 'covered');
  // A moved box (IoU below 0.5) is not taken for the same object.
  assert.equal(step(policy, frame(4, [person(0.5, [260, 60, 360, 300])])), 'may_be_better');
});

test('a box that may be cut by the frame edge stands in only for boxes touching the border', () => {
  const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000 });
  const entering: [number, number, number, number] = [0, 60, 120, 300];
  assert.equal(step(policy, frame(1, [person(0.9, entering)])), 'no_recent');
  assert.equal(step(policy, frame(2, [person(0.8, [0, 62, 118, 298])])), 'covered', 'still at the border');
  // Lower score and smaller, but clear of the edge: the tracker prefers it to the cut one.
  assert.equal(step(policy, frame(3, [person(0.6, [10, 62, 118, 298])])), 'may_be_better');
  assert.equal(step(policy, frame(4, [person(0.55, [11, 62, 117, 298])])), 'covered');
});

test('snapshots stand in for later frames only within the interval and in sequence order', () => {
  const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000 });
  const at = (sequence: number, captureTime: number): SnapshotFrame => ({
    ...frame(sequence, [person(0.7, box)]),
    captureTime,
  });
  assert.equal(step(policy, at(10, 5000)), 'no_recent');
  assert.equal(step(policy, at(11, 5900)), 'covered');
  assert.equal(step(policy, at(9, 4900)), 'no_recent', 'an earlier frame, redelivered late');
  assert.equal(step(policy, at(12, 6000)), 'covered', 'frame 9 (4900) is too old, frame 10 (5000) is within');
  assert.equal(step(policy, at(13, 6100)), 'no_recent', 'every snapshot is older than the interval');
  assert.equal(step(policy, at(14, 6200)), 'covered');
});

test('cameras are independent, a new frame size starts over and the camera count stays bounded', () => {
  const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000, maxCameras: 2 });
  step(policy, frame(1, [person(0.8, box)], 'a'));
  assert.equal(step(policy, frame(2, [person(0.8, box)], 'b')), 'no_recent');
  assert.equal(step(policy, frame(3, [person(0.7, box)], 'a')), 'covered');
  assert.equal(policy.decide({ ...frame(4, [person(0.7, box)], 'a'), width: 1280 }).reason, 'no_recent');
  step(policy, frame(5, [person(0.8, box)], 'c'));
  assert.equal(policy.size, 2);
  // 'a' had the oldest recorded snapshot: forgotten, so it gets a snapshot again; 'b' is still known.
  assert.equal(step(policy, frame(6, [person(0.7, box)], 'b')), 'covered');
  assert.equal(step(policy, frame(7, [person(0.7, box)], 'a')), 'no_recent');
});

/** Whether the tracker's own best-snapshot rule, with `margins`, prefers `candidate` over `current`. */
function trackerPrefers(
  current: Detection,
  candidate: Detection,
  margins: { edgeMarginPx: number; scoreMargin: number; areaFactor: number },
): boolean {
  const asCandidate = (d: Detection) => ({ frameSequence: 0, captureTime: 0, score: d.score, box: d.box });
  return isBetterSnapshot(asCandidate(current), asCandidate(candidate), {
    frameWidth: W,
    frameHeight: H,
    ...margins,
  });
}

test('the frame the tracker keeps as best snapshot always has a JPEG, whatever its margins', () => {
  const rules = [
    { edgeMarginPx: 2, scoreMargin: 0.05, areaFactor: 1.1 },
    { edgeMarginPx: 0, scoreMargin: 0, areaFactor: 1 },
    { edgeMarginPx: 8, scoreMargin: 0.2, areaFactor: 2 },
  ];
  let frames = 0;
  let skipped = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const rand = seededRandom(seed);
    const rule = rules[seed % rules.length]!;
    const policy = new SnapshotPolicy({ threshold: 0.5, intervalMs: 1000 });
    const withJpeg = new Set<number>();
    let best: { sequence: number; detection: Detection } | undefined;
    // One person drifting slowly, its score jittering, sometimes touching the left border.
    let x = 4 + rand() * 40;
    let score = 0.6 + rand() * 0.3;
    let size = 180 + rand() * 60;
    for (let sequence = 1; sequence <= 60; sequence++) {
      x = Math.max(0, x + (rand() - 0.5) * 6);
      score = Math.min(1, Math.max(0.5, score + (rand() - 0.5) * 0.1));
      size = Math.min(300, Math.max(120, size + (rand() - 0.5) * 12));
      const d = person(score, [x, 40, x + size / 2.4, 40 + size]);
      const f = frame(sequence, [d]);
      f.captureTime = 1_000_000 + sequence * 200;
      frames += 1;
      if (step(policy, f) === 'covered') skipped += 1;
      else withJpeg.add(sequence);
      if (best === undefined || trackerPrefers(best.detection, d, rule)) best = { sequence, detection: d };
      assert.ok(withJpeg.has(best.sequence), `seed ${seed}: best frame ${best.sequence} has no JPEG`);
    }
  }
  assert.ok(skipped > frames * 0.2, `the policy should skip a good share of frames (${skipped}/${frames})`);
});
