import type { MaskPolygon } from './options.js';

/** Value of a mask byte for a pixel that may show motion; masked pixels hold 0. */
export const UNMASKED = 255;

/**
 * Rasterises normalised polygons at analysis resolution: a pixel is masked (0) when its centre lies inside
 * any polygon (even-odd rule), otherwise it holds {@link UNMASKED}. Done once per detector.
 */
export function rasteriseMask(polygons: readonly MaskPolygon[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height).fill(UNMASKED);
  for (const polygon of polygons) {
    for (let y = 0; y < height; y++) {
      const py = (y + 0.5) / height;
      for (let x = 0; x < width; x++) {
        if (containsPoint(polygon, (x + 0.5) / width, py)) mask[y * width + x] = 0;
      }
    }
  }
  return mask;
}

/** Even-odd point-in-polygon test. */
export function containsPoint(polygon: MaskPolygon, px: number, py: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
