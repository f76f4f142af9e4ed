import { assetPath } from '@shiriki/testing';
import type { ModelSpec } from '../src/index.js';

/**
 * YOLOX-Nano from the assets directory with the config defaults and one intra-op and one inter-op thread,
 * with `overrides` applied.
 */
export function yoloxNanoSpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  return {
    path: assetPath('models/yolox_nano.onnx'),
    labelsPath: assetPath('models/coco-labels.txt'),
    type: 'yolox',
    width: 416,
    height: 416,
    layout: 'nchw',
    pixelFormat: 'bgr',
    dtype: 'float32',
    scale: '0-255',
    scoreThreshold: 0.4,
    nmsIou: 0.45,
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    ...overrides,
  };
}
