import { OutputShapeError } from '../errors.js';
import { formatDims, numericData, type OutputAdapter } from './types.js';

/**
 * Ultralytics YOLOv8/v9/v11 exports: one output [1, 4 + classes, boxes] whose rows are cx, cy, w, h (input
 * pixels) and one score per class, no objectness. The transposed [1, boxes, 4 + classes] is accepted too.
 */
export const yoloGenericAdapter: OutputAdapter = {
  type: 'yolo_generic',
  bind(outputs, { classCount }) {
    const output = outputs[0];
    if (outputs.length !== 1 || !output) {
      throw new OutputShapeError(`yolo_generic expects one output, the model has ${outputs.length}`);
    }
    const { dims, name } = output;
    const channels = 4 + classCount;
    if (dims.length !== 3 || dims[0] !== 1) {
      throw new OutputShapeError(
        `output ${name} is ${formatDims(dims)}, yolo_generic needs [1, ${channels}, boxes]`,
      );
    }
    const d1 = dims[1]!;
    const d2 = dims[2]!;
    // Channels-first is the Ultralytics default, so it wins when both dims could be channels.
    const transposed = d1 !== channels && d2 === channels;
    if (d1 !== channels && d2 !== channels) {
      const small = Math.min(d1, d2);
      // [1, boxes, 5 + classes] is the row layout of YOLOX/YOLOv5 exports, which carry an objectness score.
      if (d2 === channels + 1 && d1 > d2) {
        throw new OutputShapeError(
          `output ${name} is ${formatDims(dims)}: 5 + ${classCount} values per box looks like a model with ` +
            `objectness (type yolox), not yolo_generic [1, 4 + classes, boxes]`,
        );
      }
      throw new OutputShapeError(
        `output ${name} is ${formatDims(dims)}, which holds ${small - 4} classes per box, but the labels file has ` +
          `${classCount} labels (yolo_generic needs [1, ${channels}, boxes] or [1, boxes, ${channels}])`,
        'labels',
      );
    }
    const boxes = transposed ? d1 : d2;
    // Element (box b, channel c) sits at b * boxStep + c * channelStep.
    const boxStep = transposed ? channels : 1;
    const channelStep = transposed ? 1 : boxes;
    return {
      decode(results, minScore, emit) {
        const data = numericData(results, name);
        for (let b = 0; b < boxes; b++) {
          const base = b * boxStep;
          let best = 0;
          let bestScore = -Infinity;
          for (let c = 0; c < classCount; c++) {
            const s = data[base + (4 + c) * channelStep]!;
            if (s > bestScore) {
              bestScore = s;
              best = c;
            }
          }
          if (bestScore < minScore) continue;
          const cx = data[base]!;
          const cy = data[base + channelStep]!;
          const hw = data[base + 2 * channelStep]! / 2;
          const hh = data[base + 3 * channelStep]! / 2;
          emit(best, bestScore, cx - hw, cy - hh, cx + hw, cy + hh);
        }
      },
    };
  },
};
