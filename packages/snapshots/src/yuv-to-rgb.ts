/**
 * Converts a yuv420p frame (BT.601, limited range, as ffmpeg's scaler emits) to packed RGB24. `out` must
 * hold `width * height * 3` bytes; it is written through a clamped view, so no per-channel branches.
 * Chroma terms are computed once per 2x2 block.
 */
export function yuv420pToRgb(
  payload: Uint8Array,
  width: number,
  height: number,
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  const lumaSize = width * height;
  const chromaWidth = width >> 1;
  const uOffset = lumaSize;
  const vOffset = lumaSize + (lumaSize >> 2);
  if (payload.length < vOffset + (lumaSize >> 2)) throw new RangeError('payload is smaller than yuv420p');
  if (out.length < lumaSize * 3) throw new RangeError('output buffer is smaller than width * height * 3');
  for (let y = 0; y < height; y += 2) {
    const row0 = y * width;
    const row1 = row0 + width;
    const chromaRow = (y >> 1) * chromaWidth;
    for (let x = 0; x < width; x += 2) {
      const c = chromaRow + (x >> 1);
      const d = payload[uOffset + c]! - 128;
      const e = payload[vOffset + c]! - 128;
      const r = 409 * e + 128;
      const g = -100 * d - 208 * e + 128;
      const b = 516 * d + 128;
      writePixel(payload[row0 + x]!, r, g, b, out, (row0 + x) * 3);
      writePixel(payload[row0 + x + 1]!, r, g, b, out, (row0 + x + 1) * 3);
      writePixel(payload[row1 + x]!, r, g, b, out, (row1 + x) * 3);
      writePixel(payload[row1 + x + 1]!, r, g, b, out, (row1 + x + 1) * 3);
    }
  }
  return out;
}

function writePixel(luma: number, r: number, g: number, b: number, out: Uint8ClampedArray, i: number): void {
  const c = 298 * (luma - 16);
  out[i] = (c + r) >> 8;
  out[i + 1] = (c + g) >> 8;
  out[i + 2] = (c + b) >> 8;
}
