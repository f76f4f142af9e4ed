import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusyMeter } from './busy-meter.js';

test('busy ratio is busy slot time over wall time times slots, per window', () => {
  let now = 0;
  const meter = new BusyMeter(2, () => now);
  meter.begin(0);
  now = 500;
  meter.end(0);
  meter.begin(1);
  now = 1000;
  // slot 0 busy 500 ms, slot 1 busy 500 ms so far, over 2 x 1000 ms.
  assert.equal(meter.sample(), 0.5);
  now = 2000;
  // slot 1 still busy for the whole second window.
  assert.equal(meter.sample(), 0.5);
  meter.end(1);
  now = 3000;
  assert.equal(meter.sample(), 0);
});
