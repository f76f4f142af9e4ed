import { OutputShapeError } from '../errors.js';
import { formatDims, numericData, type OutputAdapter, type OutputInfo } from './types.js';

type Role = 'boxes' | 'classes' | 'scores' | 'count';

const NAME_PATTERNS: readonly (readonly [Role, RegExp])[] = [
  ['boxes', /box/i],
  ['classes', /class/i],
  ['scores', /score/i],
  ['count', /num|count/i],
];

/**
 * TensorFlow-style SSD post-processed outputs: boxes [1, N, 4] (normalised ymin, xmin, ymax, xmax),
 * classes [1, N] (label index), scores [1, N] and count [1]. Outputs are found by name
 * (`detection_boxes`, `detection_classes`, ...) and otherwise by shape, with classes before scores as in
 * TFLite exports. Class indices outside the labels file are ignored (they cannot be checked from shapes).
 */
export const ssdAdapter: OutputAdapter = {
  type: 'ssd',
  bind(outputs, { inputWidth, inputHeight, classCount }) {
    const roles = assignRoles(outputs);
    const boxes = roles.boxes.dims;
    const n = boxes[1]!;
    const problems: string[] = [];
    if (boxes.length !== 3 || boxes[0] !== 1 || boxes[2] !== 4)
      problems.push(`boxes ${roles.boxes.name} must be [1, N, 4]`);
    for (const role of ['classes', 'scores'] as const) {
      const { dims, name } = roles[role];
      if (dims.length !== 2 || dims[0] !== 1 || dims[1] !== n)
        problems.push(`${role} ${name} must be [1, ${n}]`);
    }
    const countDims = roles.count.dims;
    if (countDims.length !== 1 || countDims[0] !== 1) problems.push(`count ${roles.count.name} must be [1]`);
    if (problems.length > 0) {
      const shapes = outputs.map((o) => `${o.name} ${formatDims(o.dims)}`).join(', ');
      throw new OutputShapeError(`ssd outputs (${shapes}) do not fit: ${problems.join('; ')}`);
    }
    const names = {
      boxes: roles.boxes.name,
      classes: roles.classes.name,
      scores: roles.scores.name,
      count: roles.count.name,
    };
    return {
      decode(results, minScore, emit) {
        const boxData = numericData(results, names.boxes);
        const classData = numericData(results, names.classes);
        const scoreData = numericData(results, names.scores);
        const count = Math.min(n, Math.max(0, Math.floor(numericData(results, names.count)[0] ?? n)));
        for (let i = 0; i < count; i++) {
          const score = scoreData[i]!;
          if (score < minScore) continue;
          const classId = Math.round(classData[i]!);
          if (classId < 0 || classId >= classCount) continue;
          const b = i * 4;
          emit(
            classId,
            score,
            boxData[b + 1]! * inputWidth,
            boxData[b]! * inputHeight,
            boxData[b + 3]! * inputWidth,
            boxData[b + 2]! * inputHeight,
          );
        }
      },
    };
  },
};

function assignRoles(outputs: readonly OutputInfo[]): Record<Role, OutputInfo> {
  const shapes = outputs.map((o) => `${o.name} ${formatDims(o.dims)}`).join(', ');
  if (outputs.length !== 4) {
    throw new OutputShapeError(
      `ssd expects 4 outputs (boxes, classes, scores, count), the model has ${outputs.length}: ${shapes}`,
    );
  }
  const found: Partial<Record<Role, OutputInfo>> = {};
  const byName = new Set<OutputInfo>();
  for (const [role, pattern] of NAME_PATTERNS) {
    const match = outputs.find((o) => pattern.test(o.name) && !byName.has(o));
    if (match) {
      found[role] = match;
      byName.add(match);
    }
  }
  if (byName.size !== 4) {
    // Fall back to shapes: [1, N, 4] boxes, [1] count, and the two [1, N] outputs in order classes, scores.
    found.boxes = outputs.find((o) => o.dims.length === 3);
    found.count = outputs.find((o) => o.dims.length === 1);
    const pairs = outputs.filter((o) => o.dims.length === 2);
    found.classes = pairs[0];
    found.scores = pairs[1];
  }
  const { boxes, classes, scores, count } = found;
  if (!boxes || !classes || !scores || !count) {
    throw new OutputShapeError(`cannot tell ssd outputs apart by name or shape: ${shapes}`);
  }
  return { boxes, classes, scores, count };
}
