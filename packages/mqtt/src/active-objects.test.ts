import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectEvent } from '@shiriki/bus';
import { ActiveObjects } from './active-objects.js';

const event = (type: ObjectEvent['type'], id: string, label: string, zones: string[] = []): ObjectEvent => ({
  type,
  id,
  camera: 'front',
  label,
  score: 0.8,
  top_score: 0.8,
  box: [0, 0, 10, 10],
  zones,
  entered_zones: zones,
  start_time: 1,
  stationary: false,
});

const asText = (changes: { zone: string | undefined; label: string; count: number }[]) =>
  changes.map((c) => `${c.zone ?? '-'}/${c.label}=${c.count}`).sort();

test('counts per label, all and zone change only when they change, and go back to zero', () => {
  const objects = new ActiveObjects(['person', 'car'], ['porch']);
  assert.deepEqual(asText(objects.all()), [
    '-/all=0',
    '-/car=0',
    '-/person=0',
    'porch/all=0',
    'porch/car=0',
    'porch/person=0',
  ]);
  assert.deepEqual(asText(objects.apply(event('new', 'a', 'person'))), ['-/all=1', '-/person=1']);
  assert.deepEqual(asText(objects.apply(event('update', 'a', 'person', ['porch']))), [
    'porch/all=1',
    'porch/person=1',
  ]);
  assert.deepEqual(asText(objects.apply(event('new', 'b', 'person'))), ['-/all=2', '-/person=2']);
  assert.deepEqual(asText(objects.apply(event('update', 'b', 'person'))), [], 'nothing changed');
  assert.deepEqual(asText(objects.apply(event('end', 'a', 'person', ['porch']))), [
    '-/all=1',
    '-/person=1',
    'porch/all=0',
    'porch/person=0',
  ]);
  // A label the config does not list (a model label tracked elsewhere) is counted too, and reported down to 0.
  assert.deepEqual(asText(objects.apply(event('new', 'c', 'dog'))), ['-/all=2', '-/dog=1', 'porch/dog=0']);
  assert.deepEqual(asText(objects.apply(event('end', 'c', 'dog'))), ['-/all=1', '-/dog=0']);
});
