import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  WallClockAnchor,
  parseSegmentFileName,
  parseSegmentListLine,
  segmentFileName,
} from './segment-file.js';

test('segment names carry wall-clock start and end', () => {
  assert.equal(segmentFileName(1700000000123.4, 1700000002100), '1700000000123-1700000002100.ts');
  assert.deepEqual(parseSegmentFileName('1700000000123-1700000002100.ts'), {
    startMs: 1700000000123,
    endMs: 1700000002100,
  });
  assert.equal(parseSegmentFileName('tmp-abc-000001.ts'), undefined);
  assert.equal(parseSegmentFileName('5-5.ts'), undefined);
});

test('segment list CSV lines', () => {
  assert.deepEqual(parseSegmentListLine('tmp-x-000002.ts,4.100000,6.100000'), {
    file: 'tmp-x-000002.ts',
    startS: 4.1,
    endS: 6.1,
  });
  assert.equal(parseSegmentListLine('garbage'), undefined);
  assert.equal(parseSegmentListLine('a.ts,5,4'), undefined);
});

test('the anchor keeps the smallest arrival - end', () => {
  const anchor = new WallClockAnchor();
  assert.equal(anchor.observe({ file: 'a', startS: 0, endS: 2 }, 10_500), 8_500);
  assert.equal(anchor.observe({ file: 'b', startS: 2, endS: 4 }, 12_050), 8_050);
  assert.equal(anchor.observe({ file: 'c', startS: 4, endS: 6 }, 14_300), 8_050);
});
