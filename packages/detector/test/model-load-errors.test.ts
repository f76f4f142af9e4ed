import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ModelLoadError, ObjectDetector, type ModelLoadFailure, type ModelSpec } from '../src/index.js';
import { constantOutputModel } from './onnx-builder.js';
import { yoloxNanoSpec } from './yolox-spec.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiriki-detector-load-'));
  await writeFile(join(dir, 'labels3.txt'), 'person\ncar\ntraffic light\n');
  await writeFile(join(dir, 'labels4.txt'), 'person\ncar\ntraffic light\ndog\n');
  await writeFile(join(dir, 'labels79.txt'), Array.from({ length: 79 }, (_, i) => `class${i}`).join('\n'));
  await writeFile(join(dir, 'blank-line.txt'), 'person\n\ncar\n');
});
after(() => rm(dir, { recursive: true, force: true }));

const spec = yoloxNanoSpec;

async function assertLoadFails(
  s: ModelSpec,
  reason: ModelLoadFailure,
  message: RegExp,
  path = s.path,
): Promise<void> {
  await assert.rejects(ObjectDetector.load(s), (error: unknown) => {
    assert.ok(error instanceof ModelLoadError, String(error));
    assert.equal(error.name, 'ModelLoadError');
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.path, path);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, message);
    return true;
  });
}

async function file(name: string, content: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** yolo_generic-shaped model: 320x320 input, output [1, 4 + classes, 10]. */
function yoloGeneric(classes: number, input: readonly (number | string)[] = [1, 3, 320, 320]): Uint8Array {
  return constantOutputModel({
    inputShape: input,
    outputs: [
      { name: 'output0', dims: [1, 4 + classes, 10], values: new Array<number>((4 + classes) * 10).fill(0) },
    ],
  });
}

test('a missing model file', async () => {
  await assertLoadFails(spec({ path: join(dir, 'nope.onnx') }), 'missing_file', /does not exist/);
});

test('random bytes and a text file are not models', async () => {
  await assertLoadFails(
    spec({ path: await file('random.onnx', randomBytes(4096)) }),
    'invalid_model',
    /ONNX/,
  );
  await assertLoadFails(
    spec({ path: await file('text.onnx', 'this is not a model\n') }),
    'invalid_model',
    /ONNX/,
  );
});

test('a missing or malformed labels file', async () => {
  await assertLoadFails(
    spec({ labelsPath: join(dir, 'missing.txt') }),
    'labels',
    /cannot be read/,
    join(dir, 'missing.txt'),
  );
  await assertLoadFails(
    spec({ labelsPath: join(dir, 'blank-line.txt') }),
    'labels',
    /line 2/,
    join(dir, 'blank-line.txt'),
  );
});

test('a labels file whose class count does not match the model output', async () => {
  await assertLoadFails(spec({ labelsPath: join(dir, 'labels79.txt') }), 'labels', /80 classes.*79 labels/);
  const path = await file('yolo3.onnx', yoloGeneric(3));
  await assertLoadFails(
    spec({ path, type: 'yolo_generic', width: 320, height: 320, labelsPath: join(dir, 'labels4.txt') }),
    'labels',
    /3 classes.*4 labels/,
  );
});

test('the yolox asset configured as yolo_generic', async () => {
  await assertLoadFails(spec({ type: 'yolo_generic' }), 'shape_mismatch', /\[1, 3549, 85\].*objectness/);
});

test('a yolo_generic model configured as yolox', async () => {
  const path = await file('yolo-as-yolox.onnx', yoloGeneric(3));
  await assertLoadFails(
    spec({ path, width: 320, height: 320, labelsPath: join(dir, 'labels3.txt') }),
    'shape_mismatch',
    /yolox needs \[1, 2100, 8\].*yolo_generic/,
  );
});

test('input size, layout and dtype that differ from the config', async () => {
  const path = await file('yolo320.onnx', yoloGeneric(3));
  const base = { path, type: 'yolo_generic' as const, labelsPath: join(dir, 'labels3.txt') };
  await assertLoadFails(
    spec({ ...base, width: 416, height: 416 }),
    'shape_mismatch',
    /\[1, 3, 320, 320\].*416x416/,
  );
  await assertLoadFails(
    spec({ ...base, width: 320, height: 320, layout: 'nhwc' }),
    'shape_mismatch',
    /looks nchw/,
  );
  await assertLoadFails(
    spec({ ...base, width: 320, height: 320, dtype: 'uint8' }),
    'shape_mismatch',
    /float32 but model.input_dtype is uint8/,
  );
});

test('the real model with a wrong input size', async () => {
  await assertLoadFails(spec({ width: 320, height: 320 }), 'shape_mismatch', /\[1, 3, 416, 416\].*320x320/);
});
