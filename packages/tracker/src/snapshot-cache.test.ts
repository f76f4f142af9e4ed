import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectEvent } from '@shiriki/bus';
import { CheckpointError, eventMessageId, parseCheckpoint } from './checkpoint.js';
import { SnapshotCache } from './snapshot-cache.js';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
const shot = (sequence: number) => ({ sequence, captureTime: sequence * 100, width: 4, height: 2, jpeg });

test('the snapshot cache keeps untracked and referenced frames and drops the rest', () => {
  const cache = new SnapshotCache(10);
  for (let seq = 1; seq <= 6; seq++) cache.add(shot(seq), new Set());
  cache.prune(new Set([2]), 4);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].filter((seq) => cache.get(seq) !== undefined),
    [2, 5, 6],
  );
});

test('the snapshot cache stays bounded, evicting unreferenced frames first', () => {
  const cache = new SnapshotCache(3);
  const retained = new Set([1]);
  for (let seq = 1; seq <= 5; seq++) cache.add(shot(seq), retained);
  assert.equal(cache.size, 3);
  assert.ok(cache.get(1), 'a referenced frame survives');
  assert.ok(cache.get(5));
});

test('message ids: new and end once per object, updates per frame time', () => {
  const base = { id: 'cam-1', frame_time: 42, start_time: 40 } as ObjectEvent;
  assert.equal(eventMessageId({ ...base, type: 'new' }), 'cam-1:new');
  assert.equal(eventMessageId({ ...base, type: 'end' }), 'cam-1:end');
  assert.equal(eventMessageId({ ...base, type: 'update' }), 'cam-1:update:42');
});

test('a checkpoint that is not ours is rejected with CheckpointError', () => {
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  assert.throws(() => parseCheckpoint('cam', new TextEncoder().encode('{')), CheckpointError);
  assert.throws(() => parseCheckpoint('cam', bytes({ version: 99 })), CheckpointError);
  const ok = parseCheckpoint('cam', bytes({ version: 1, tracker: {}, outbox: [], worker: 'w', saved_at: 1 }));
  assert.deepEqual(ok.alert_memory, { lastAlert: {}, objects: {} });
});
