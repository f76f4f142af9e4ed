import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './wait.js';
import { WaitTimeoutError } from './errors.js';

test('waitFor returns the first truthy result, retrying falsy results and throws', async () => {
  let calls = 0;
  const result = await waitFor(
    () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls === 3 ? { ready: calls } : false;
    },
    { what: 'the third call', intervalMs: 1 },
  );
  assert.deepEqual(result, { ready: 3 });
});

test('waitFor times out naming what it awaited and the last failure', async () => {
  const started = Date.now();
  const error = await waitFor(
    () => {
      throw new RangeError('port 4222 refused');
    },
    { what: 'nats-server on 4222', timeoutMs: 120, intervalMs: 20 },
  ).catch((e: unknown) => e);
  assert.ok(error instanceof WaitTimeoutError);
  assert.equal(error.name, 'WaitTimeoutError');
  assert.equal(error.what, 'nats-server on 4222');
  assert.equal(error.lastFailure, 'RangeError: port 4222 refused');
  assert.ok(error.cause instanceof RangeError);
  assert.match(
    error.message,
    /timed out after 120 ms waiting for nats-server on 4222; last failure: RangeError/,
  );
  assert.ok(Date.now() - started >= 110);
});

test('waitFor reports a falsy result as the last failure', async () => {
  await assert.rejects(
    waitFor(() => null, { what: 'something', timeoutMs: 30, intervalMs: 10 }),
    {
      name: 'WaitTimeoutError',
      message: /last failure: check returned null/,
    },
  );
});

test('waitFor stops at once with the reason of an aborted signal', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('server exited with code 1')), 30);
  const started = Date.now();
  await assert.rejects(
    waitFor(() => false, { what: 'never', timeoutMs: 10_000, intervalMs: 5_000, signal: controller.signal }),
    /server exited with code 1/,
  );
  assert.ok(Date.now() - started < 2_000);
});
