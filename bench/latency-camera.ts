// Imported by bench/latency.ts, not run itself.
//
// The latency bench's camera (@shiriki/testing's published camera) with its frame index drawn into a corner as
// binary blocks: any frame seen further down the pipeline tells which camera frame it is.
import { encodeCameraClip, type CameraClip } from '@shiriki/testing';

/** The frame index marker, in the pixels of the source clip (768x432): 8 blocks along the bottom left. */
const MARKER = { bits: 8, block: 32, top: 400, sourceWidth: 768, sourceHeight: 432 } as const;

/**
 * The motion mask (normalised polygon) over the marker, with a margin: its blocks change every frame and must
 * not count as motion.
 */
export const MARKER_MOTION_MASK: [number, number][] = [
  [0, 0.9],
  [(MARKER.bits * MARKER.block + 8) / MARKER.sourceWidth, 0.9],
  [(MARKER.bits * MARKER.block + 8) / MARKER.sourceWidth, 1],
  [0, 1],
];

/** Re-encodes the first `seconds` of `source` (768x432) with the frame index marker; `fps` must match it. */
export function markedCameraClip(dir: string, source: string, seconds: number, fps: number): CameraClip {
  const { bits, block, top } = MARKER;
  const boxes = [`drawbox=x=0:y=${top}:w=${bits * block}:h=${block}:color=black:t=fill`];
  for (let bit = 0; bit < bits; bit++) {
    boxes.push(
      `drawbox=x=${bit * block}:y=${top}:w=${block}:h=${block}:color=white:t=fill:enable='mod(floor(n/${2 ** bit}),2)'`,
    );
  }
  return encodeCameraClip(dir, source, { seconds, fps, filters: boxes });
}

/** The camera frame index (within a loop) drawn into a yuv420p or gray frame of any size. */
export function readFrameMarker(luma: Uint8Array, width: number, height: number): number {
  const sx = width / MARKER.sourceWidth;
  const sy = height / MARKER.sourceHeight;
  const cy = Math.round((MARKER.top + MARKER.block / 2) * sy);
  let index = 0;
  for (let bit = 0; bit < MARKER.bits; bit++) {
    const cx = Math.round((bit * MARKER.block + MARKER.block / 2) * sx);
    let sum = 0;
    for (let dy = -2; dy <= 2; dy++)
      for (let dx = -2; dx <= 2; dx++) sum += luma[(cy + dy) * width + cx + dx]!;
    if (sum / 25 > 128) index |= 1 << bit;
  }
  return index;
}
