import type { RowSpans } from './spans.js';

/** A connected group of changed pixels, in analysis pixels. */
export interface Region {
  /** Bounding box of the region's changed pixels before dilation: columns [x1, x2), rows [y1, y2). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /**
   * Area enclosed by the dilated region's outer contour through pixel centres, as OpenCV's `contourArea`
   * measures it: by Pick's theorem, interior pixels + boundary pixels / 2 - 1 (holes are not subtracted
   * separately, so a region with holes reads slightly smaller).
   */
  area: number;
}

/** Marker for a pixel of `grown` that has been assigned to a region during the current scan. */
const VISITED = 2;

/**
 * Finds 8-connected regions of a binary image with a scanline of flood fills over one preallocated stack, so a
 * frame allocates only the returned regions.
 */
export class RegionFinder {
  private readonly stack: Int32Array;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.stack = new Int32Array(width * height);
  }

  /**
   * Regions of `grown` (1 = changed, consumed: set to 2 as it is visited) whose contour area is at least
   * `minArea`. `core` (1 = changed before dilation) gives each region its tight bounding box. `spans`, when
   * given, bound the changed pixels of `grown`'s rows, so the rest of each row is not searched.
   */
  find(grown: Uint8Array, core: Uint8Array, minArea: number, spans?: RowSpans): Region[] {
    const { width, height } = this;
    const regions: Region[] = [];
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const end = row + (spans ? spans.end[y]! : width);
      for (let start = row + (spans ? spans.start[y]! : 0); start < end; start++) {
        if (grown[start] !== 1) continue;
        const region = this.fill(grown, core, start);
        if (region.area >= minArea && region.x2 > region.x1) regions.push(region);
      }
    }
    return regions;
  }

  private fill(grown: Uint8Array, core: Uint8Array, start: number): Region {
    const { width, height, stack } = this;
    const lastX = width - 1;
    const lastY = height - 1;
    let x1 = width;
    let y1 = height;
    let x2 = 0;
    let y2 = 0;
    let pixels = 0;
    let interior = 0;
    let top = 0;
    stack[top++] = start;
    grown[start] = VISITED;
    while (top > 0) {
      const i = stack[--top]!;
      const y = (i / width) | 0;
      const x = i - y * width;
      pixels++;
      if (core[i]) {
        if (x < x1) x1 = x;
        if (x >= x2) x2 = x + 1;
        if (y < y1) y1 = y;
        if (y >= y2) y2 = y + 1;
      }
      const left = x > 0;
      const right = x < lastX;
      const up = y > 0;
      const down = y < lastY;
      if (
        left &&
        right &&
        up &&
        down &&
        grown[i - 1] &&
        grown[i + 1] &&
        grown[i - width] &&
        grown[i + width]
      ) {
        interior++;
      }
      if (up) {
        const r = i - width;
        if (grown[r] === 1) top = push(grown, stack, top, r);
        if (left && grown[r - 1] === 1) top = push(grown, stack, top, r - 1);
        if (right && grown[r + 1] === 1) top = push(grown, stack, top, r + 1);
      }
      if (left && grown[i - 1] === 1) top = push(grown, stack, top, i - 1);
      if (right && grown[i + 1] === 1) top = push(grown, stack, top, i + 1);
      if (down) {
        const r = i + width;
        if (grown[r] === 1) top = push(grown, stack, top, r);
        if (left && grown[r - 1] === 1) top = push(grown, stack, top, r - 1);
        if (right && grown[r + 1] === 1) top = push(grown, stack, top, r + 1);
      }
    }
    const boundary = pixels - interior;
    return { x1, y1, x2, y2, area: Math.max(0, interior + boundary / 2 - 1) };
  }
}

function push(grown: Uint8Array, stack: Int32Array, top: number, i: number): number {
  grown[i] = VISITED;
  stack[top] = i;
  return top + 1;
}
