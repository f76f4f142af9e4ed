import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectEvent } from '@shiriki/bus';
import { ReviewGrouper } from './reviews.js';

const T0 = 1_800_000_000_000;
const event = (
  type: ObjectEvent['type'],
  id: string,
  label: string,
  at: number,
  zones: string[] = [],
): ObjectEvent => ({
  type,
  id,
  camera: 'front',
  label,
  score: 0.8,
  top_score: 0.8,
  box: [0, 0, 10, 10],
  zones,
  entered_zones: zones,
  start_time: T0,
  frame_time: T0 + at,
  ...(type === 'end' ? { end_time: T0 + at } : {}),
  stationary: false,
});

test('a dog, then a person while it is there, then both leaving: one review that rises to alert', () => {
  const reviews = new ReviewGrouper('front', { alertLabels: ['person'], alertZones: [] }, () => 'r1');
  const first = reviews.apply(event('new', 'd', 'dog', 0));
  assert.equal(first?.type, 'new');
  assert.equal(first?.after.severity, 'detection');
  const joined = reviews.apply(event('new', 'p', 'person', 100));
  assert.equal(joined?.type, 'update');
  assert.equal(joined?.before.severity, 'detection');
  assert.equal(joined?.after.severity, 'alert');
  assert.deepEqual(joined?.after.data.objects, ['dog', 'person']);
  assert.equal(reviews.apply(event('update', 'p', 'person', 200)), undefined, 'nothing new for the review');
  assert.equal(reviews.apply(event('end', 'd', 'dog', 300)), undefined, 'the person is still there');
  const ended = reviews.apply(event('end', 'p', 'person', 400));
  assert.equal(ended?.type, 'end');
  assert.equal(ended?.after.end_time, (T0 + 400) / 1000);
  assert.equal(ended?.after.id, 'r1');
  assert.equal(
    reviews.apply(event('new', 'x', 'person', 500))?.type,
    'new',
    'the next activity is a new review',
  );
});

test('with alert zones, a person outside them is a detection, and entering one makes it an alert', () => {
  const reviews = new ReviewGrouper('front', { alertLabels: ['person'], alertZones: ['porch'] }, () => 'r2');
  assert.equal(reviews.apply(event('new', 'p', 'person', 0))?.after.severity, 'detection');
  const entered = reviews.apply(event('update', 'p', 'person', 100, ['porch']));
  assert.equal(entered?.after.severity, 'alert');
  assert.deepEqual(entered?.after.data.zones, ['porch']);
});

test('an end for an object this bridge never saw (before a restart) is ignored', () => {
  const reviews = new ReviewGrouper('front', { alertLabels: [], alertZones: [] });
  assert.equal(reviews.apply(event('end', 'ghost', 'person', 0)), undefined);
});
