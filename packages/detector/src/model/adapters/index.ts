import type { ModelType } from '../spec.js';
import { ssdAdapter } from './ssd.js';
import type { OutputAdapter } from './types.js';
import { yoloGenericAdapter } from './yolo-generic.js';
import { yoloxAdapter } from './yolox.js';

/** Output adapters by model type; a new model family is one file plus one line here. */
export const OUTPUT_ADAPTERS: Readonly<Record<ModelType, OutputAdapter>> = {
  yolox: yoloxAdapter,
  yolo_generic: yoloGenericAdapter,
  ssd: ssdAdapter,
};
