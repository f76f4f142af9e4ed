import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffDelayMs } from './backoff.js';

test('the ceiling doubles per attempt up to the maximum', () => {
  const options = { initialMs: 1000, maxMs: 30_000, random: () => 1 };
  const delays = [0, 1, 2, 3, 4, 5, 6, 60].map((attempt) => backoffDelayMs(attempt, options));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

test('full jitter scales the ceiling by the random number', () => {
  assert.equal(backoffDelayMs(3, { initialMs: 1000, maxMs: 30_000, random: () => 0 }), 0);
  assert.equal(backoffDelayMs(3, { initialMs: 1000, maxMs: 30_000, random: () => 0.25 }), 2000);
  for (let i = 0; i < 100; i++) {
    const delay = backoffDelayMs(2, { initialMs: 1000, maxMs: 30_000 });
    assert.ok(delay >= 0 && delay <= 4000);
  }
});

test('Backoff counts failures and starts over after reset()', () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0.5 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [50, 100, 200]);
  assert.equal(backoff.attempt, 3);
  backoff.reset();
  assert.equal(backoff.next(), 50);
});
