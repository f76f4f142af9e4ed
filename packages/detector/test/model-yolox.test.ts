import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { assetPath, decodeClipFrames } from '@shiriki/testing';
import { iou } from '@shiriki/geometry';
import { ObjectDetector, type DetectFrame } from '../src/index.js';
import { yoloxNanoSpec } from './yolox-spec.js';

const WIDTH = 768;
const HEIGHT = 432;

interface TruthSecond {
  t: number;
  persons: number;
  /** [score, x, y, w, h] in 768x432 frame pixels. */
  boxes: [number, number, number, number, number][];
}

const truth = (
  JSON.parse(readFileSync(assetPath('media/person-walk.truth.json'), 'utf8')) as { per_second: TruthSecond[] }
).per_second;

function truthAt(t: number): { score: number; box: [number, number, number, number] }[] {
  const second = truth.find((s) => s.t === t);
  assert.ok(second, `truth has t=${t}`);
  return second.boxes.map(([score, x, y, w, h]) => ({ score, box: [x, y, x + w, y + h] }));
}

function decodeFrame(seconds: number, motionBoxes: DetectFrame['motionBoxes'] = []): DetectFrame {
  const [payload = new Uint8Array(0)] = decodeClipFrames(assetPath('media/person-walk.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    from: seconds,
    count: 1,
  });
  assert.equal(payload.length, (WIDTH * HEIGHT * 3) / 2);
  return {
    width: WIDTH,
    height: HEIGHT,
    pixelFormat: 'yuv420p',
    payload,
    motionBoxes,
  };
}

let detector: ObjectDetector;
before(async () => {
  detector = await ObjectDetector.load(yoloxNanoSpec());
});
after(() => detector.close());

test('the model loads with its 80 COCO labels', () => {
  assert.equal(detector.labels.length, 80);
  assert.equal(detector.labels[0], 'person');
  assert.equal(detector.modelName, 'yolox_nano');
});

for (const t of [10, 30]) {
  test(`full frame at t=${t}s finds the person of the reference run`, async () => {
    const result = await detector.detect(decodeFrame(t), { regionMode: 'full_frame' });
    assert.equal(result.regionCount, 1);
    const persons = result.detections.filter((d) => d.label === 'person');
    const [expected] = truthAt(t);
    assert.ok(expected);
    const match = persons.find((d) => iou(d.box, expected.box) > 0.7);
    assert.ok(match, `person near ${JSON.stringify(expected.box)} in ${JSON.stringify(result.detections)}`);
    assert.equal(match.label_id, 0);
    assert.ok(
      Math.abs(match.score - expected.score) < 0.1,
      `score ${match.score} vs reference ${expected.score}`,
    );
    assert.ok(result.inferenceMs > 0);
  });
}

test('the empty room at t=2s has no person', async () => {
  const result = await detector.detect(decodeFrame(2), { regionMode: 'full_frame' });
  assert.deepEqual(
    result.detections.filter((d) => d.label === 'person'),
    [],
  );
});

test('motion regions find the person from a motion box around them', async () => {
  const [expected] = truthAt(10);
  assert.ok(expected);
  const [x1, y1, x2, y2] = expected.box.map(Math.round) as [number, number, number, number];
  const frame = decodeFrame(10, [[x1, y1, Math.min(WIDTH, x2), Math.min(HEIGHT, y2)]]);
  const result = await detector.detect(frame, { regionMode: 'motion_regions' });
  assert.equal(result.regionCount, 1);
  const match = result.detections.find((d) => d.label === 'person' && iou(d.box, expected.box) > 0.7);
  assert.ok(match, JSON.stringify(result.detections));
  assert.ok(Math.abs(match.score - expected.score) < 0.1, `score ${match.score}`);
  // A tracking refresh (no motion boxes) in motion mode runs the whole frame.
  const refresh = await detector.detect(decodeFrame(10), { regionMode: 'motion_regions' });
  assert.equal(refresh.regionCount, 1);
});

test('the label filter drops other classes', async () => {
  const result = await detector.detect(decodeFrame(10), {
    regionMode: 'full_frame',
    labels: new Set(['car']),
  });
  assert.ok(result.detections.every((d) => d.label === 'car'));
  assert.equal(result.detections.filter((d) => d.label === 'person').length, 0);
});

test("overlapping detect calls (more than the two input tensors) each get their own frame's result", async () => {
  const times = [2, 10, 30, 10, 2];
  const frames = times.map((t) => decodeFrame(t));
  const alone = [];
  for (const frame of frames) alone.push(await detector.detect(frame, { regionMode: 'full_frame' }));
  const overlapped = await Promise.all(
    frames.map((frame) => detector.detect(frame, { regionMode: 'full_frame' })),
  );
  assert.deepEqual(
    overlapped.map((r) => r.detections),
    alone.map((r) => r.detections),
  );
  // The empty room and the person frames differ, so a mix-up between calls would show.
  assert.notDeepEqual(alone[0]!.detections, alone[1]!.detections);
});
