import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectEvent } from '@shiriki/bus';
import { frigateEventMessage, toFrigateObject } from './frigate-event.js';

const base: ObjectEvent = {
  type: 'new',
  id: 'e1',
  camera: 'front',
  label: 'person',
  score: 0.76,
  top_score: 0.81,
  box: [100, 40, 160, 200],
  zones: ['porch'],
  entered_zones: ['porch'],
  start_time: 1_800_000_000_500,
  frame_time: 1_800_000_001_000,
  stationary: false,
};

test("an object event in Frigate's shape: seconds, box area and ratio, zones, media flags", () => {
  const object = toFrigateObject(base, { clips: true, snapshots: true });
  assert.equal(object.start_time, 1_800_000_000.5);
  assert.equal(object.frame_time, 1_800_000_001);
  assert.equal(object.end_time, null);
  assert.equal(object.area, 60 * 160);
  assert.equal(object.ratio, 60 / 160);
  assert.deepEqual(object.current_zones, ['porch']);
  assert.equal(object.has_clip, true);
  assert.equal(object.has_snapshot, false, 'no best snapshot yet');
  assert.equal(object.active, true);
  const ended = toFrigateObject(
    { ...base, type: 'end', end_time: 1_800_000_009_000, snapshot: { frame_sequence: 4, score: 0.8 } },
    { clips: false, snapshots: true },
  );
  assert.equal(ended.end_time, 1_800_000_009);
  assert.deepEqual(ended.current_zones, [], 'an ended object is in no zone');
  assert.deepEqual(ended.entered_zones, ['porch']);
  assert.equal(ended.has_snapshot, true);
  assert.equal(ended.has_clip, false);
  assert.equal(ended.active, false);
});

test('before is the previous message of the object, or the object itself when new or unknown', () => {
  const first = toFrigateObject(base, { clips: true, snapshots: true });
  assert.equal(frigateEventMessage(base, first, undefined).before, first);
  const moved = {
    ...base,
    type: 'update' as const,
    box: [110, 40, 170, 200] as [number, number, number, number],
  };
  const second = toFrigateObject(moved, { clips: true, snapshots: true });
  assert.equal(frigateEventMessage(moved, second, first).before, first);
  assert.equal(frigateEventMessage(moved, second, undefined).before, second, 'after a restart');
});
