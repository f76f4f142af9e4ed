import { execFileSync } from 'node:child_process';
import { resolveFfmpegPath } from '@shiriki/process';

export type RawPixelFormat = 'yuv420p' | 'gray' | 'rgb24' | 'bgr24';

export interface DecodeFramesOptions {
  width: number;
  height: number;
  /** Resample to this rate with ffmpeg's `fps` filter. Default: every decoded frame, at the input's rate. */
  fps?: number;
  /** Start this many seconds into the input (input seeking). Default: the beginning. */
  from?: number;
  /** Read at most this many seconds of the input. Default: all of it. */
  duration?: number;
  /** Stop after this many frames. Default: no limit. */
  count?: number;
  /** Default `yuv420p`. */
  pixelFormat?: RawPixelFormat;
}

/** Bytes of one raw frame. */
export function rawFrameBytes(
  width: number,
  height: number,
  pixelFormat: RawPixelFormat = 'yuv420p',
): number {
  const perPixel = { yuv420p: 1.5, gray: 1, rgb24: 3, bgr24: 3 }[pixelFormat];
  return width * height * perPixel;
}

/**
 * Decodes a media file (a path) or an encoded image or clip held in memory (bytes, fed to ffmpeg's stdin) to
 * raw frames of `width` x `height`, scaled with ffmpeg. Each frame is a view into one shared buffer; a short
 * last frame is dropped.
 */
export function decodeClipFrames(input: string | Uint8Array, options: DecodeFramesOptions): Uint8Array[] {
  const { width, height, fps, from, duration, count, pixelFormat = 'yuv420p' } = options;
  const frameBytes = rawFrameBytes(width, height, pixelFormat);
  const filter = fps === undefined ? `scale=${width}:${height}` : `fps=${fps},scale=${width}:${height}`;
  const raw = execFileSync(
    resolveFfmpegPath(),
    [
      ...['-v', 'error'],
      ...(from === undefined ? [] : ['-ss', String(from)]),
      ...(duration === undefined ? [] : ['-t', String(duration)]),
      ...['-i', typeof input === 'string' ? input : 'pipe:0'],
      ...['-vf', filter],
      ...(count === undefined ? [] : ['-frames:v', String(count)]),
      ...['-pix_fmt', pixelFormat, '-f', 'rawvideo', '-'],
    ],
    {
      input: typeof input === 'string' ? undefined : input,
      maxBuffer: count === undefined ? 1024 * 1024 * 1024 : count * frameBytes + 1024,
    },
  );
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + frameBytes <= raw.length; offset += frameBytes) {
    frames.push(new Uint8Array(raw.buffer, raw.byteOffset + offset, frameBytes));
  }
  return frames;
}
