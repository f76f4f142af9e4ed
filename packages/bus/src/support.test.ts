import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSnapshotHeaders, snapshotHeaders, type SnapshotMeta } from './snapshot-headers.js';
import { headers } from '@nats-io/nats-core';

test('snapshot metadata survives NATS headers, labels with spaces included', () => {
  const meta: SnapshotMeta = {
    camera: 'front',
    sequence: 12,
    captureTime: 1_700_000_000_000.5,
    width: 1280,
    height: 720,
    labels: ['person', 'traffic light', 'a,b'],
    eventId: 'evt-1',
  };
  assert.deepEqual(readSnapshotHeaders(snapshotHeaders(meta)), meta);
  const { eventId: _eventId, ...withoutEvent } = meta;
  assert.deepEqual(readSnapshotHeaders(snapshotHeaders({ ...withoutEvent, labels: [] })), {
    ...withoutEvent,
    labels: [],
  });
  const broken = snapshotHeaders(meta);
  broken.set('Shiriki-Sequence', 'twelve');
  assert.equal(readSnapshotHeaders(broken), undefined);
  assert.equal(readSnapshotHeaders(headers()), undefined);
  assert.equal(readSnapshotHeaders(undefined), undefined);
});
