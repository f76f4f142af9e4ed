import { DecoderOptionsError } from './errors.js';

/** Raw pixel formats the decoder can emit; see `frameSizeOf` for their sizes. */
export type PixelFormat = 'yuv420p' | 'nv12' | 'gray' | 'rgb24' | 'bgr24';

export type RtspTransport = 'tcp' | 'udp' | 'http';

export interface DecoderArgsOptions {
  /** `rtsp://` URL (usually go2rtc's restream) or, for tests and benchmarks, a file or other ffmpeg input. */
  inputUrl: string;
  /** Output width in pixels; even for the 4:2:0 formats. */
  width: number;
  /** Output height in pixels; even for the 4:2:0 formats. */
  height: number;
  /** Output frames per second (ffmpeg's `fps` filter drops or duplicates frames to hit it). */
  fps: number;
  /** Default `yuv420p`, the layout motion detection and the detector's preprocessing expect. */
  pixelFormat?: PixelFormat;
  /** RTSP lower transport; ignored for non-RTSP inputs. Default `tcp` (no UDP loss or firewall trouble). */
  rtspTransport?: RtspTransport;
  /**
   * Decoder threads (`-threads`, an input option). Default 1: a worker runs many low-resolution detect
   * streams, so one thread per camera is enough, and ffmpeg's automatic frame threading (cores + 1 threads
   * per camera) only adds threads, memory for frames in flight and a frame of latency per extra thread.
   * `globalArgs` or `inputArgs` with their own `-threads` override it (ffmpeg takes the last one).
   */
  threads?: number;
  /** Placed first, before any input option (e.g. `-threads 2`). Default none. */
  globalArgs?: readonly string[];
  /** Hardware decoding (`hwaccel_args` from the config), passed through unchanged. Default none. */
  hwaccelArgs?: readonly string[];
  /** Input options placed right before `-i` (e.g. `-re` to read a file in real time). Default none. */
  inputArgs?: readonly string[];
}

export const DECODER_ARGS_DEFAULTS = {
  pixelFormat: 'yuv420p',
  rtspTransport: 'tcp',
  threads: 1,
} as const satisfies Partial<DecoderArgsOptions>;

/**
 * The ffmpeg argv (without the binary) that decodes `inputUrl` into raw frames on stdout.
 *
 * stdin stays open on purpose (no `-nostdin`): the supervisor stops ffmpeg by writing `q` to it.
 * The RTSP socket timeout is left to the caller's `inputArgs` because its name changed between ffmpeg
 * releases (`-stimeout` in microseconds up to 4.x, `-timeout` from 5.0); the supervisor's stall timer
 * covers a silent socket either way.
 */
export function buildDecoderArgs(options: DecoderArgsOptions): string[] {
  const pixelFormat = options.pixelFormat ?? DECODER_ARGS_DEFAULTS.pixelFormat;
  const rtspTransport = options.rtspTransport ?? DECODER_ARGS_DEFAULTS.rtspTransport;
  const threads = options.threads ?? DECODER_ARGS_DEFAULTS.threads;
  validateGeometry(options.width, options.height, options.fps, pixelFormat);
  if (!Number.isInteger(threads) || threads < 0)
    throw new DecoderOptionsError('threads', threads, 'a non-negative integer (0 lets ffmpeg choose)');
  if (options.inputUrl.trim() === '')
    throw new DecoderOptionsError('inputUrl', options.inputUrl, 'must not be empty');
  const rtspArgs = isRtspUrl(options.inputUrl) ? ['-rtsp_transport', rtspTransport] : [];
  return [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-threads',
    String(threads),
    ...(options.globalArgs ?? []),
    ...(options.hwaccelArgs ?? []),
    ...rtspArgs,
    ...(options.inputArgs ?? []),
    '-i',
    options.inputUrl,
    '-an',
    '-vf',
    `fps=${options.fps},scale=${options.width}:${options.height}`,
    '-pix_fmt',
    pixelFormat,
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** Bytes of one raw frame: `w*h*3/2` for the 4:2:0 formats. */
export function frameSizeOf(width: number, height: number, pixelFormat: PixelFormat = 'yuv420p'): number {
  switch (pixelFormat) {
    case 'yuv420p':
    case 'nv12':
      return (width * height * 3) / 2;
    case 'gray':
      return width * height;
    case 'rgb24':
    case 'bgr24':
      return width * height * 3;
  }
}

export function isRtspUrl(url: string): boolean {
  return /^rtsps?:\/\//i.test(url);
}

function validateGeometry(width: number, height: number, fps: number, pixelFormat: PixelFormat): void {
  const subsampled = pixelFormat === 'yuv420p' || pixelFormat === 'nv12';
  for (const [option, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0)
      throw new DecoderOptionsError(option, value, 'a positive integer');
    if (subsampled && value % 2 !== 0)
      throw new DecoderOptionsError(option, value, `even for ${pixelFormat}`);
  }
  if (!Number.isFinite(fps) || fps <= 0) throw new DecoderOptionsError('fps', fps, 'a positive number');
}
