import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesSchema, parseByteSize } from './common.js';

test('parseByteSize reads decimal and binary units, case-insensitively', () => {
  assert.equal(parseByteSize('512MiB'), 512 * 2 ** 20);
  assert.equal(parseByteSize('2GB'), 2e9);
  assert.equal(parseByteSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('10kb'), 10_000);
  assert.equal(parseByteSize('4096'), 4096);
  assert.equal(parseByteSize('lots'), undefined);
  assert.equal(parseByteSize('5 PB'), undefined);
});

test('bytesSchema accepts numbers and sizes and rejects the rest with a hint', () => {
  assert.equal(bytesSchema.parse(1024), 1024);
  assert.equal(bytesSchema.parse('1KiB'), 1024);
  const result = bytesSchema.safeParse('huge');
  assert.equal(result.success, false);
  assert.match(result.error?.issues[0]?.message ?? '', /"huge" is not a size/);
});
