import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraStateOf, RateMeter } from './camera-status.js';

test('decoder states map to what a camera watcher sees', () => {
  assert.equal(cameraStateOf({ state: 'starting' }), 'starting');
  assert.equal(cameraStateOf({ state: 'streaming' }), 'streaming');
  assert.equal(cameraStateOf({ state: 'stalled' }), 'stalled');
  assert.equal(cameraStateOf({ state: 'backoff' }), 'offline');
  assert.equal(cameraStateOf({ state: 'stopped' }), 'offline');
});

test('the rate meter reports a steady 5 fps stream as about 5 fps', () => {
  const meter = new RateMeter(5000, 10);
  const start = 1_700_000_000_000;
  for (let t = 0; t < 20_000; t += 200) meter.mark(start + t);
  const rate = meter.rate(start + 20_000);
  assert.ok(Math.abs(rate - 5) <= 0.25, `rate ${rate}`);
  meter.mark(start + 20_000);
  meter.mark(start + 20_200);
  const midBucket = meter.rate(start + 20_250);
  assert.ok(Math.abs(midBucket - 5) <= 0.25, `rate ${midBucket}`);
});

test('the rate falls to zero once frames stop for a whole window', () => {
  const meter = new RateMeter(5000, 10);
  const start = 1_700_000_000_000;
  for (let t = 0; t < 5000; t += 100) meter.mark(start + t);
  assert.ok(meter.rate(start + 5000) > 8);
  assert.ok(meter.rate(start + 7500) < 6);
  assert.equal(meter.rate(start + 11_000), 0);
});

test('a first mark long after construction does not count stale buckets', () => {
  const meter = new RateMeter(1000, 4);
  meter.mark(1_700_000_000_100);
  assert.equal(meter.rate(1_700_000_000_100), 1000 / 850);
});
