import type { Box } from '@shiriki/geometry';

/** A rectangle of the frame in integer pixels. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RegionOptions {
  /** Smallest region side, normally the model input size: smaller crops would only be upscaled. */
  minSize: number;
  /** A region's side is the motion box's longer side times this, so the whole object fits. */
  margin?: number;
  /** More merged regions than this and the frame is run once whole instead (bounds latency). */
  maxRegions?: number;
}

export const REGION_DEFAULTS = { margin: 1.25, maxRegions: 4 } as const;

export function fullFrameRegion(width: number, height: number): Region {
  return { x: 0, y: 0, width, height };
}

/**
 * Regions to run the model on for a frame with motion, like Frigate: a square around each motion box (side at
 * least `minSize`, or the box's longer side scaled by `margin`), moved inside and clamped to the frame, then
 * overlapping squares merged into squares covering both until none overlap. No motion boxes, or too many
 * regions, give the whole frame.
 */
export function motionRegions(
  frameWidth: number,
  frameHeight: number,
  boxes: readonly Box[],
  options: RegionOptions,
): Region[] {
  const margin = options.margin ?? REGION_DEFAULTS.margin;
  const maxRegions = options.maxRegions ?? REGION_DEFAULTS.maxRegions;
  const full = fullFrameRegion(frameWidth, frameHeight);
  if (boxes.length === 0) return [full];
  let regions = boxes.map(([x1, y1, x2, y2]) =>
    square(
      frameWidth,
      frameHeight,
      (x1 + x2) / 2,
      (y1 + y2) / 2,
      Math.max(options.minSize, Math.ceil(Math.max(x2 - x1, y2 - y1) * margin)),
    ),
  );
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < regions.length; i++) {
      for (let j = i + 1; j < regions.length; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        if (!overlaps(a, b)) continue;
        const x1 = Math.min(a.x, b.x);
        const y1 = Math.min(a.y, b.y);
        const x2 = Math.max(a.x + a.width, b.x + b.width);
        const y2 = Math.max(a.y + a.height, b.y + b.height);
        const union = square(
          frameWidth,
          frameHeight,
          (x1 + x2) / 2,
          (y1 + y2) / 2,
          Math.max(x2 - x1, y2 - y1),
        );
        regions = regions.filter((_, k) => k !== i && k !== j);
        regions.push(union);
        merged = true;
        break outer;
      }
    }
  }
  if (regions.length > maxRegions) return [full];
  return regions;
}

/** A square of side `side` centred on (cx, cy), moved inside the frame; sides longer than the frame are clamped. */
function square(frameWidth: number, frameHeight: number, cx: number, cy: number, side: number): Region {
  const width = Math.min(side, frameWidth);
  const height = Math.min(side, frameHeight);
  const x = Math.min(frameWidth - width, Math.max(0, Math.round(cx - width / 2)));
  const y = Math.min(frameHeight - height, Math.max(0, Math.round(cy - height / 2)));
  return { x, y, width, height };
}

function overlaps(a: Region, b: Region): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
