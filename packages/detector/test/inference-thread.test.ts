import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assetPath } from '@shiriki/testing';
import { InferenceThread, InferenceThreadError } from '../src/model/inference-thread-client.js';
import { sessionOptionsFor } from '../src/model/session.js';
import type { ModelType } from '../src/model/spec.js';

const MODEL = assetPath('models/yolox_nano.onnx');
const DIMS = [1, 3, 416, 416] as const;
const options = sessionOptionsFor({ executionProvider: 'cpu', intraOpThreads: 1, interOpThreads: 1 });

function failure(reason: InferenceThreadError['reason']): (error: unknown) => boolean {
  return (error) => error instanceof InferenceThreadError && error.reason === reason;
}

test('runs move the input to the thread and back, and a failed run leaves the thread usable', async () => {
  const thread = await InferenceThread.start(MODEL, options);
  try {
    assert.deepEqual(thread.inputNames.length, 1);
    const input = new Float32Array(3 * 416 * 416).fill(114);
    const pending = thread.run(input, DIMS);
    // Transferred, not copied: the caller's view is detached while the model owns the buffer.
    assert.equal(input.length, 0);
    const { input: back, outputs } = await pending;
    assert.equal(back.length, 3 * 416 * 416);
    assert.equal(back[0], 114);
    const output = outputs[thread.outputNames[0]!];
    assert.deepEqual(output?.dims, [1, 3549, 85]);

    await assert.rejects(thread.run(new Float32Array(10), [1, 3, 2, 5]), failure('run_failed'));
    const again = await thread.run(back, DIMS);
    assert.deepEqual(again.outputs[thread.outputNames[0]!]?.dims, [1, 3549, 85]);
  } finally {
    await thread.release();
  }
  await assert.rejects(thread.run(new Float32Array(3 * 416 * 416), DIMS), failure('released'));
});

test('a thread that dies settles `failed` and fails every later run', async () => {
  const thread = await InferenceThread.start(MODEL, options);
  const pending = thread.run(new Float32Array(3 * 416 * 416), DIMS);
  // An adapter type the thread does not know makes its bind throw, which ends the thread.
  thread.bind('no-such-type' as ModelType, [], { inputWidth: 416, inputHeight: 416, classCount: 80 });
  // The thread holds the process open only while runs are pending; a service's sockets do that in real life.
  const keepAlive = setInterval(() => undefined, 1000);
  const failed = await thread.failed.finally(() => clearInterval(keepAlive));
  assert.equal(failed.reason, 'thread_exited');
  await assert.rejects(
    pending.then(() => thread.run(new Float32Array(3 * 416 * 416), DIMS)),
    failure('thread_exited'),
  );
  await assert.rejects(thread.run(new Float32Array(3 * 416 * 416), DIMS), failure('thread_exited'));
  await thread.release();
});

test('a file onnxruntime cannot load fails start with load_failed', async () => {
  await assert.rejects(
    InferenceThread.start(assetPath('media/person-walk.truth.json'), options),
    failure('load_failed'),
  );
});
