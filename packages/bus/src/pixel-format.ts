/** Raw pixel layouts a frame message may carry, with their one-byte wire codes. */
export const PIXEL_FORMAT_CODES = {
  yuv420p: 1,
  gray8: 2,
  rgb24: 3,
  bgr24: 4,
} as const;

export type PixelFormat = keyof typeof PIXEL_FORMAT_CODES;

const BY_CODE = new Map<number, PixelFormat>(
  Object.entries(PIXEL_FORMAT_CODES).map(([name, code]) => [code, name as PixelFormat]),
);

export function pixelFormatFromCode(code: number): PixelFormat | undefined {
  return BY_CODE.get(code);
}

/**
 * Exact byte size of one `width` x `height` image, or undefined when the dimensions do not suit the
 * format (yuv420p needs even width and height because its chroma planes are subsampled 2x2).
 */
export function pixelFormatSize(format: PixelFormat, width: number, height: number): number | undefined {
  if (!isDimension(width) || !isDimension(height)) return undefined;
  switch (format) {
    case 'yuv420p':
      return width % 2 === 0 && height % 2 === 0 ? (width * height * 3) / 2 : undefined;
    case 'gray8':
      return width * height;
    case 'rgb24':
    case 'bgr24':
      return width * height * 3;
  }
}

function isDimension(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 0xffff;
}
