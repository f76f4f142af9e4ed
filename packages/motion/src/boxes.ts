import { boxesOverlap, unionBox, type Box } from '@shiriki/geometry';

/**
 * Replaces every group of overlapping boxes by its union, repeating until no two boxes overlap (a union can
 * reach a box neither part touched). Modifies and returns `boxes`; quadratic, meant for the few boxes of a frame.
 */
export function mergeOverlappingBoxes(boxes: Box[]): Box[] {
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = boxes.length - 1; j > i; j--) {
        if (boxesOverlap(boxes[i]!, boxes[j]!)) {
          boxes[i] = unionBox(boxes[i]!, boxes[j]!);
          boxes.splice(j, 1);
          merged = true;
        }
      }
    }
  }
  return boxes;
}
