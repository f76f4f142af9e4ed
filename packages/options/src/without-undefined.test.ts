import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutUndefined } from './index.js';

test('undefined options leave the defaults in place; null, 0 and false override them', () => {
  const defaults = { a: 1, b: 2, c: true, d: 'x' as string | null };
  const given = { a: undefined, b: 0, c: false, d: null };
  assert.deepEqual({ ...defaults, ...withoutUndefined(given) }, { a: 1, b: 0, c: false, d: null });
  assert.deepEqual(Object.keys(withoutUndefined(given)), ['b', 'c', 'd']);
});
