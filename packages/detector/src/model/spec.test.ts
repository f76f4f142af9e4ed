import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '@shiriki/config';
import { modelSpecFromConfig } from './spec.js';

test('modelSpecFromConfig maps model and detector sections', () => {
  const config = parseConfig(
    [
      'assets_dir: /assets',
      'storage: { type: local }',
      'cameras:\n  front:\n    source: rtsp://cam/1',
      'model: { type: ssd, width: 300, height: 300, input_layout: nhwc, input_dtype: uint8, input_pixel_format: rgb, score_threshold: 0.5 }',
      'detector: { intra_op_threads: 2 }',
    ].join('\n'),
    { env: {}, baseDir: '/srv' },
  );
  const spec = modelSpecFromConfig(config);
  assert.equal(spec.type, 'ssd');
  assert.equal(spec.width, 300);
  assert.equal(spec.layout, 'nhwc');
  assert.equal(spec.dtype, 'uint8');
  assert.equal(spec.pixelFormat, 'rgb');
  assert.equal(spec.scale, '0-255');
  assert.equal(spec.scoreThreshold, 0.5);
  assert.equal(spec.nmsIou, 0.45);
  assert.equal(spec.intraOpThreads, 2);
  assert.equal(spec.interOpThreads, 1);
  assert.equal(spec.executionProvider, 'cpu');
  assert.ok(spec.path.endsWith('yolox_nano.onnx'));
  assert.ok(spec.labelsPath.endsWith('coco-labels.txt'));
});
