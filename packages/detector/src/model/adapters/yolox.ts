import { OutputShapeError } from '../errors.js';
import { formatDims, numericData, type OutputAdapter } from './types.js';

const STRIDES = [8, 16, 32] as const;

/**
 * YOLOX: one output [1, rows, 5 + classes], rows = the cells of grids at strides 8, 16 and 32; each row is
 * [x, y, w, h, objectness, class scores...] with scores already through a sigmoid.
 */
export const yoloxAdapter: OutputAdapter = {
  type: 'yolox',
  bind(outputs, { inputWidth, inputHeight, classCount }) {
    const output = outputs[0];
    if (outputs.length !== 1 || !output) {
      throw new OutputShapeError(`yolox expects one output, the model has ${outputs.length}`);
    }
    const grids = STRIDES.map((stride) => ({
      stride,
      columns: Math.floor(inputWidth / stride),
      rows: Math.floor(inputHeight / stride),
    }));
    const cells = grids.reduce((sum, g) => sum + g.columns * g.rows, 0);
    const width = 5 + classCount;
    const { dims, name } = output;
    const expected = `[1, ${cells}, ${width}] (grids of ${inputWidth}x${inputHeight} at strides 8/16/32, 5 + ${classCount} labels)`;
    if (dims.length !== 3 || dims[0] !== 1 || dims[1] !== cells) {
      const hint =
        dims.length === 3 && dims[1] === classCount + 4
          ? '; it looks like a yolo_generic output [1, 4 + classes, boxes]'
          : '';
      throw new OutputShapeError(`output ${name} is ${formatDims(dims)}, yolox needs ${expected}${hint}`);
    }
    if (dims[2] !== width) {
      throw new OutputShapeError(
        `output ${name} has ${(dims[2] ?? 0) - 5} classes per row but the labels file has ${classCount} labels`,
        'labels',
      );
    }
    // Grid x, y and stride of every row, computed once.
    const gx = new Float32Array(cells);
    const gy = new Float32Array(cells);
    const gs = new Float32Array(cells);
    let row = 0;
    for (const g of grids) {
      for (let y = 0; y < g.rows; y++) {
        for (let x = 0; x < g.columns; x++, row++) {
          gx[row] = x;
          gy[row] = y;
          gs[row] = g.stride;
        }
      }
    }
    return {
      decode(results, minScore, emit) {
        const data = numericData(results, name);
        for (let r = 0, base = 0; r < cells; r++, base += width) {
          const objectness = data[base + 4]!;
          if (objectness < minScore) continue; // score = objectness * class score <= objectness
          let best = 0;
          let bestScore = 0;
          for (let c = 0; c < classCount; c++) {
            const s = data[base + 5 + c]!;
            if (s > bestScore) {
              bestScore = s;
              best = c;
            }
          }
          const score = objectness * bestScore;
          if (score < minScore) continue;
          const stride = gs[r]!;
          const cx = (data[base]! + gx[r]!) * stride;
          const cy = (data[base + 1]! + gy[r]!) * stride;
          const hw = (Math.exp(data[base + 2]!) * stride) / 2;
          const hh = (Math.exp(data[base + 3]!) * stride) / 2;
          emit(best, score, cx - hw, cy - hh, cx + hw, cy + hh);
        }
      },
    };
  },
};
