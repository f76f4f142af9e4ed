import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import createMozjpeg from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';

/** A JPEG that cannot be decoded, or whose size is not the one its message declares. */
export class JpegDecodeError extends Error {
  override readonly name = 'JpegDecodeError';
  constructor(
    message: string,
    readonly expected: { width: number; height: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A decoded picture: packed RGBA, 4 bytes a pixel, alpha always 255. */
export interface RgbaPicture {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An ImageData, a browser type that Node's types do not declare. */
interface DecodedImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The Emscripten module of mozjpeg's decoder as @jsquash/jpeg builds it. */
interface MozjpegModule {
  /** Throws libjpeg's fatal errors (as an object that is not an Error), or returns null. */
  decode(jpeg: Uint8Array, preserveOrientation: boolean): DecodedImage | null;
}

type MozjpegFactory = (options: {
  noInitialRun: boolean;
  wasmBinary: Uint8Array;
  print: (text: string) => void;
  printErr: (text: string) => void;
}) => Promise<MozjpegModule>;

/** What libjpeg reported while decoding the current picture (warnings such as a truncated file). */
let messages: string[] = [];
let decoder: Promise<MozjpegModule> | undefined;

/**
 * Compiles the decoder, once per process; later calls return the same module. Workers call it when they start,
 * so that a broken install fails there rather than on the first frame. libjpeg's messages are collected, never
 * printed.
 */
export async function loadJpegDecoder(): Promise<void> {
  await loadDecoder();
}

function loadDecoder(): Promise<MozjpegModule> {
  decoder ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm');
    const wasmBinary = await readFile(wasmPath);
    const collect = (text: string): void => void messages.push(text);
    return (createMozjpeg as unknown as MozjpegFactory)({
      noInitialRun: true,
      wasmBinary,
      print: collect,
      printErr: collect,
    });
  })();
  return decoder;
}

/**
 * Decodes a JPEG into RGBA with libjpeg (mozjpeg compiled to WebAssembly), on the calling thread. For a
 * 640x360 frame this costs about two thirds of the CPU that libvips (sharp) spends on the same decode: libvips
 * hands the work to its own threads but adds a fixed cost per picture larger than the decode itself. The
 * pixels are the same, byte for byte. A damaged file (one libjpeg cannot read, or reads only with a warning,
 * such as a truncated one) or a picture that is not `expected.width` x `expected.height` throws
 * {@link JpegDecodeError} with libjpeg's reason.
 */
export async function decodeJpegToRgba(
  jpeg: Uint8Array,
  expected: { width: number; height: number },
): Promise<RgbaPicture> {
  const mozjpeg = await loadDecoder();
  // From here to the end of `decode` nothing yields, so the messages are this picture's only.
  messages = [];
  let decoded: DecodedImage | null;
  try {
    decoded = mozjpeg.decode(jpeg, false);
  } catch (cause) {
    throw new JpegDecodeError(`the JPEG does not decode (${libjpegSays(cause)})`, expected, { cause });
  }
  // libjpeg only warns of damage it can paper over (a truncated file, corrupt data in a scan) and fills the
  // rest with grey; a picture with holes would only mislead the detector.
  if (!decoded || messages.length > 0)
    throw new JpegDecodeError(`the JPEG does not decode (${libjpegSays()})`, expected);
  const { width, height, data } = decoded;
  if (width !== expected.width || height !== expected.height) {
    throw new JpegDecodeError(
      `the JPEG is ${width}x${height}, the frame says ${expected.width}x${expected.height}`,
      expected,
    );
  }
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function libjpegSays(cause?: unknown): string {
  return messages.join('; ') || (cause instanceof Error ? cause.message : 'no reason given');
}
