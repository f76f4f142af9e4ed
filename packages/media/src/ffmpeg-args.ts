import { DecoderOptionsError } from './errors.js';
import type { FfmpegVersion } from './ffmpeg-version.js';

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
  /** Output frames per second: at most one frame per `1 / fps` of stream time (see {@link rateSelectFilter}). */
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
  /**
   * Version of the ffmpeg that runs the arguments (`ffmpegVersion(path)`), which picks how frame-rate
   * passthrough is spelled: `-fps_mode` from 5.1, `-vsync` before. Default: older than 5.1 (or unknown).
   */
  ffmpegVersion?: FfmpegVersion;
  /**
   * Encode what the bus carries in ffmpeg instead of emitting raw frames: the detect-size picture as JPEG on
   * fd 3 and, for motion detection, a small gray copy of the same frame as raw bytes on stdout (`pixelFormat`
   * is then ignored). Default none: raw frames in `pixelFormat` on stdout.
   */
  jpeg?: JpegOutputOptions;
}

export interface JpegOutputOptions {
  /** ffmpeg's `-q:v` for its mjpeg encoder: 2 (best, largest) to 31. */
  quality: number;
  /** Size of the gray motion image (see `motionAnalysisSize`); area-averaged from the detect-size picture. */
  motionWidth: number;
  motionHeight: number;
}

/** The file descriptor ffmpeg writes JPEGs to with `jpeg`: the first one after stdin, stdout and stderr. */
export const JPEG_OUTPUT_FD = 3;

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
export function decoderArgs(options: DecoderArgsOptions): string[] {
  const pixelFormat = options.pixelFormat ?? DECODER_ARGS_DEFAULTS.pixelFormat;
  const rtspTransport = options.rtspTransport ?? DECODER_ARGS_DEFAULTS.rtspTransport;
  const threads = options.threads ?? DECODER_ARGS_DEFAULTS.threads;
  validateGeometry(options.width, options.height, options.fps, pixelFormat);
  if (!Number.isInteger(threads) || threads < 0)
    throw new DecoderOptionsError('threads', threads, 'a non-negative integer (0 lets ffmpeg choose)');
  if (options.inputUrl.trim() === '')
    throw new DecoderOptionsError('inputUrl', options.inputUrl, 'must not be empty');
  if (options.jpeg) validateJpeg(options.jpeg, options.width, options.height);
  return [
    ...quiet('warning'),
    '-threads',
    String(threads),
    ...(options.globalArgs ?? []),
    ...(options.hwaccelArgs ?? []),
    ...rtspInput(options.inputUrl, rtspTransport),
    ...(options.inputArgs ?? []),
    '-i',
    options.inputUrl,
    '-an',
    ...(options.jpeg ? jpegOutputs(options, options.jpeg) : rawOutput(options, pixelFormat)),
  ];
}

function rawOutput(options: DecoderArgsOptions, pixelFormat: PixelFormat): string[] {
  return [
    ...['-vf', `${rateSelectFilter(options.fps)},scale=${options.width}:${options.height}`],
    ...passthroughArgs(options.ffmpegVersion),
    ...['-pix_fmt', pixelFormat, '-f', 'rawvideo', 'pipe:1'],
  ];
}

/**
 * One decode, two outputs of the same frames in the same order: the gray motion image on stdout, the JPEG on
 * fd 3. The one scale to the detect size also converts to full range (`yuvj420p`, what JPEG stores), so the
 * picture needs no second conversion; the motion image is its luma plane, area-averaged. The encoder gets one
 * thread, like the decoder, and the standard Huffman tables (optimal ones cost a second pass for about 3 % of
 * the bytes). Frames are numbered for the encoder, one a second (`setpts=N/TB`, so no two round to the same
 * encoder tick): a camera's timestamps may step back (B-frames, a restarted source), which raw output passes
 * through but the mjpeg encoder refuses, and the JPEG stream carries no time anyway.
 */
function jpegOutputs(options: DecoderArgsOptions, jpeg: JpegOutputOptions): string[] {
  const passthrough = passthroughArgs(options.ffmpegVersion);
  const size = `${options.width}:${options.height}`;
  const graph =
    `[0:v]${rateSelectFilter(options.fps)},scale=${size}:out_range=full,format=yuvj420p,split=2[full][small];` +
    `[full]setpts=N/TB[picture];[small]format=gray,scale=${jpeg.motionWidth}:${jpeg.motionHeight}:flags=area[motion]`;
  return [
    ...['-filter_complex', graph],
    ...['-map', '[motion]', ...passthrough, '-f', 'rawvideo', 'pipe:1'],
    ...['-map', '[picture]', ...passthrough, '-c:v', 'mjpeg', '-q:v', String(jpeg.quality)],
    ...['-huffman', 'default', '-threads', '1', '-f', 'image2pipe', `pipe:${JPEG_OUTPUT_FD}`],
  ];
}

/**
 * Keeps one frame per `1 / fps` of stream time: the first whose time rounds to the next slot (slot `k` spans
 * `(k - 0.49) / fps` to `(k + 0.51) / fps`, so a camera that sends exactly `fps` may jitter by almost half a frame
 * without losing one), and resynchronises when time jumps back. Unlike ffmpeg's `fps` filter, which holds every
 * frame until the next one arrives to decide whether to drop or repeat it (a whole camera frame of latency),
 * `select` decides on the frame alone; a camera slower than `fps` gives fewer frames instead of repeated ones.
 */
export function rateSelectFilter(fps: number): string {
  const slot = (time: string) => `floor(${time}*${fps}+0.49)`;
  return `select='isnan(prev_selected_t)+gte(${slot('t')}-${slot('prev_selected_t')},1)+lt(t,prev_selected_t)'`;
}

/** `-fps_mode passthrough` (ffmpeg 5.1 and later) or `-vsync passthrough`: frames leave as selected, none repeated. */
function passthroughArgs(version: FfmpegVersion | undefined): string[] {
  const modern = version !== undefined && (version.major > 5 || (version.major === 5 && version.minor >= 1));
  return modern ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

export interface SegmenterArgsOptions {
  /** `rtsp://<go2rtc>:8554/<camera>`, or a file in tests. */
  inputUrl: string;
  /** Target segment length (`record.segment_seconds`); segments cut at the next keyframe after it. */
  segmentSeconds: number;
  /** Output file pattern with `%d` or similar, e.g. `<dir>/.rec-%06d.ts`. */
  pattern: string;
  /** Extra input arguments (`cameras.<name>.ffmpeg.input_args`). Default none. */
  inputArgs?: readonly string[];
}

/**
 * Copies the first video track of `inputUrl` into MPEG-TS segments, writing the segment list as CSV on
 * stdout as each one closes. stdin stays open so the supervisor can stop it with `q`.
 */
export function segmenterArgs(o: SegmenterArgsOptions): string[] {
  return [
    ...quiet('warning'),
    '-nostats',
    ...rtspInput(o.inputUrl, DECODER_ARGS_DEFAULTS.rtspTransport),
    ...(o.inputArgs ?? []),
    ...['-i', o.inputUrl],
    ...['-map', '0:v:0', '-c', 'copy'],
    ...['-f', 'segment', '-segment_time', String(o.segmentSeconds), '-reset_timestamps', '1'],
    ...['-segment_format', 'mpegts', '-segment_list', 'pipe:1', '-segment_list_type', 'csv'],
    // Every packet reaches the file at once, so clips can end inside the segment still being written.
    ...['-segment_format_options', 'flush_packets=1'],
    o.pattern,
  ];
}

export interface ClipCutArgsOptions {
  /** A concat demuxer list (`file '<path>'` lines) of the segments to cut from, oldest first. */
  listPath: string;
  /** Seconds of output after the first segment's start. */
  durationS: number;
  /** Output MP4. */
  outPath: string;
}

/**
 * Cuts a clip from segments by stream copy: the concat demuxer over `listPath`, `-t` to the end, MP4 with
 * the index in front (`+faststart`, so a browser can play it while it downloads). `-stats` prints the
 * `time=` progress the caller reads the real duration from.
 */
export function clipCutArgs(o: ClipCutArgsOptions): string[] {
  return [
    ...quiet('error'),
    ...['-nostdin', '-stats', '-y'],
    ...['-f', 'concat', '-safe', '0', '-i', o.listPath],
    ...['-map', '0:v:0', '-c', 'copy', '-t', o.durationS.toFixed(3)],
    ...['-movflags', '+faststart', '-f', 'mp4', o.outPath],
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

/** No banner, only messages at `level` or worse: stderr is parsed and logged, so it must stay terse. */
function quiet(level: 'warning' | 'error'): string[] {
  return ['-hide_banner', '-loglevel', level];
}

/** TCP for RTSP (no UDP loss or firewall trouble); nothing for other inputs. */
function rtspInput(inputUrl: string, transport: RtspTransport): string[] {
  return isRtspUrl(inputUrl) ? ['-rtsp_transport', transport] : [];
}

function validateJpeg(jpeg: JpegOutputOptions, width: number, height: number): void {
  if (!Number.isInteger(jpeg.quality) || jpeg.quality < 2 || jpeg.quality > 31)
    throw new DecoderOptionsError('jpeg.quality', jpeg.quality, 'an integer from 2 to 31');
  for (const [option, value, limit] of [
    ['jpeg.motionWidth', jpeg.motionWidth, width],
    ['jpeg.motionHeight', jpeg.motionHeight, height],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > limit)
      throw new DecoderOptionsError(option, value, `an integer from 1 to ${limit}`);
  }
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
