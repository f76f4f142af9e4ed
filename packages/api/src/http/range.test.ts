import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseRange } from './range.js';

test('single ranges, open ends and suffixes', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { kind: 'partial', start: 990, end: 999 });
});

test('past the end is unsatisfiable; malformed or multiple ranges mean the whole object', () => {
  assert.deepEqual(parseRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
  for (const header of [undefined, 'bytes=5-1', 'items=0-1', 'bytes=0-1,5-9', 'bytes=a-b', 'bytes=-', '']) {
    assert.deepEqual(parseRange(header, 1000), { kind: 'whole' }, String(header));
  }
});

test('any header gives a range inside the object or a whole/unsatisfiable answer', () => {
  fc.assert(
    fc.property(fc.string(), fc.nat({ max: 10_000_000 }), (header, size) => {
      const r = parseRange(`bytes=${header}`, size);
      if (r.kind === 'partial') {
        assert.ok(r.start >= 0 && r.start <= r.end && r.end < size, JSON.stringify({ header, size, r }));
      }
    }),
    { numRuns: 2000 },
  );
});
