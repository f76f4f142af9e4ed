import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogLimiter, rateLimited } from './log-limiter.js';

test('lines over the limit are counted and reported when the window ends', () => {
  let now = 0;
  const limiter = new LogLimiter({ maxLines: 2, windowMs: 10_000, now: () => now });
  const first = [limiter.admit(), limiter.admit(), limiter.admit(), limiter.admit()];
  assert.deepEqual(
    first.map((r) => r.log),
    [true, true, false, false],
  );
  now = 9_999;
  assert.deepEqual(limiter.admit(), { log: false, suppressed: 0 });
  now = 10_000;
  assert.deepEqual(
    limiter.admit(),
    { log: true, suppressed: 3 },
    'the new window reports the 3 dropped lines',
  );
  assert.equal(limiter.takeSuppressed(), 0);
});

test('takeSuppressed() reports a count once', () => {
  const limiter = new LogLimiter({ maxLines: 0, windowMs: 1000, now: () => 0 });
  limiter.admit();
  limiter.admit();
  assert.equal(limiter.takeSuppressed(), 2);
  assert.equal(limiter.takeSuppressed(), 0);
});

test('rateLimited logs once per interval and reports what it swallowed', () => {
  const lines: object[] = [];
  let now = 0;
  const warn = rateLimited(
    (obj) => lines.push(obj),
    1_000,
    () => now,
  );
  warn({ n: 1 });
  warn({ n: 2 });
  warn({ n: 3 });
  now = 1_000;
  warn({ n: 4 });
  now = 5_000;
  warn({ n: 5 });
  assert.deepEqual(lines, [{ n: 1 }, { n: 4, suppressed: 2 }, { n: 5 }]);
});
