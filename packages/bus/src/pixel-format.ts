/**
 * Picture formats a frame message may carry, with their one-byte wire codes: raw pixel layouts, whose size
 * follows from the dimensions, and `jpeg`, a baseline JPEG of the frame's dimensions (its size varies).
 */
export const PIXEL_FORMAT_CODES = {
  yuv420p: 1,
  gray8: 2,
  rgb24: 3,
  bgr24: 4,
  jpeg: 5,
} as const;

export type PixelFormat = keyof typeof PIXEL_FORMAT_CODES;

/** Largest JPEG payload a frame message may declare: far above any detect-size picture at any quality. */
export const MAX_JPEG_PAYLOAD = 16 * 1024 * 1024;

const BY_CODE = new Map<number, PixelFormat>(
  Object.entries(PIXEL_FORMAT_CODES).map(([name, code]) => [code, name as PixelFormat]),
);

export function pixelFormatFromCode(code: number): PixelFormat | undefined {
  return BY_CODE.get(code);
}

/**
 * Exact byte size of one `width` x `height` image, `'variable'` for an encoded format (jpeg), or undefined
 * when the dimensions do not suit the format (yuv420p needs even width and height because its chroma planes
 * are subsampled 2x2).
 */
export function pixelFormatSize(
  format: PixelFormat,
  width: number,
  height: number,
): number | 'variable' | undefined {
  if (!isDimension(width) || !isDimension(height)) return undefined;
  switch (format) {
    case 'jpeg':
      return 'variable';
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

/**
 * Why `payload` cannot be the picture a frame of this format and size declares, or undefined when it can: raw
 * formats need the exact size; a JPEG needs its start-of-image marker and at most {@link MAX_JPEG_PAYLOAD}
 * bytes (its pixels are checked by whoever decodes it).
 */
export function payloadProblem(
  format: PixelFormat,
  width: number,
  height: number,
  payload: Uint8Array,
): string | undefined {
  const size = pixelFormatSize(format, width, height);
  if (size === undefined) return `${width}x${height} is not a valid ${format} size`;
  if (size !== 'variable') {
    return payload.byteLength === size
      ? undefined
      : `${format} ${width}x${height} needs ${size} bytes, payload has ${payload.byteLength}`;
  }
  return jpegPayloadProblem(payload.byteLength, payload);
}

/** The JPEG rules, on the declared length alone (`head` absent) or with the payload's first bytes. */
export function jpegPayloadProblem(length: number, head?: Uint8Array): string | undefined {
  if (length < 4) return `a JPEG needs at least 4 bytes, payload has ${length}`;
  if (length > MAX_JPEG_PAYLOAD) return `a JPEG payload of ${length} bytes exceeds ${MAX_JPEG_PAYLOAD}`;
  if (head && (head[0] !== 0xff || head[1] !== 0xd8)) return 'the payload does not start a JPEG (FF D8)';
  return undefined;
}
