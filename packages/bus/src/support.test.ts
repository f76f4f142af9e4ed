import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactServerUrl } from './redact.js';
import { readSnapshotHeaders, snapshotHeaders, type SnapshotMeta } from './snapshot-headers.js';
import { headers } from '@nats-io/nats-core';

test('redactServerUrl hides credentials in every URL form', () => {
  assert.equal(redactServerUrl('nats://user:pw@host:4222'), 'nats://***@host:4222');
  assert.equal(redactServerUrl('tls://token@host:4222'), 'tls://***@host:4222');
  assert.equal(redactServerUrl('user:pw@host:4222'), '***@host:4222');
  assert.equal(redactServerUrl('nats://host:4222'), 'nats://host:4222');
  assert.equal(redactServerUrl('127.0.0.1:4222'), '127.0.0.1:4222');
});

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
