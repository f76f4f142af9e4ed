/** An axis-aligned box in full-frame pixels: columns [x1, x2) and rows [y1, y2) (right and bottom exclusive). */
export type MotionBox = [x1: number, y1: number, x2: number, y2: number];

/** Area of a box in pixels. */
export function boxArea(box: Readonly<MotionBox>): number {
  return (box[2] - box[0]) * (box[3] - box[1]);
}

/** Smallest box containing both boxes. */
export function unionBox(a: Readonly<MotionBox>, b: Readonly<MotionBox>): MotionBox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** Whether two boxes share at least one pixel. */
export function boxesOverlap(a: Readonly<MotionBox>, b: Readonly<MotionBox>): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Replaces every group of overlapping boxes by its union, repeating until no two boxes overlap (a union can
 * reach a box neither part touched). Modifies and returns `boxes`; quadratic, meant for the few boxes of a frame.
 */
export function mergeOverlappingBoxes(boxes: MotionBox[]): MotionBox[] {
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
