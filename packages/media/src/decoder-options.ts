import type { DecoderArgsOptions } from './ffmpeg-args.js';
import type { LogSink } from '@shiriki/telemetry';

/**
 * `starting`: ffmpeg runs, no frame yet. `streaming`: frames arrive. `stalled`: no frame for `stallTimeoutMs`,
 * ffmpeg is being stopped. `backoff`: waiting before the next start. `stopped`: not started or stopped.
 */
export type DecoderState = 'starting' | 'streaming' | 'stalled' | 'backoff' | 'stopped';

export interface DecodedFrame {
  /**
   * One raw frame in the configured pixel format; valid until the handler returns,
   * unless it is a buffer from `allocateFrame`, which the consumer owns.
   */
  data: Uint8Array;
  /**
   * Counts every frame ffmpeg produced for this decoder, across restarts; starts at 0. Dropped frames use a
   * number too, so a gap tells the consumer how many it missed.
   */
  sequence: number;
  /** Wall-clock time (ms since the epoch) the frame's last byte arrived from ffmpeg. */
  receivedAt: number;
  /**
   * With `decode.jpeg`: the detect-size picture as JPEG, owned by the consumer; `data` is then the small gray
   * motion image of the same frame.
   */
  jpeg?: Buffer;
}

/** Consumes one frame, synchronously; see the ownership rule in `DecodedFrame`. */
export type FrameHandler = (frame: DecodedFrame) => void;

export interface DecoderStateChange {
  state: DecoderState;
  previous: DecoderState;
  /** Why, in a few words: `first frame`, `Connection refused`, `no frame for 10000 ms`, `stop requested`. */
  reason: string;
  /** The failure behind `backoff`: `FfmpegExitedError`, `StreamStalledError` or `ChildProcessError`. */
  error?: Error;
  /** With `backoff`: milliseconds until the next start. */
  retryInMs?: number;
}

export interface DecoderExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Parsed from stderr when possible (`404 Not Found`), otherwise a description of the exit. */
  reason: string;
  /** True when the decoder stopped ffmpeg itself (`stop()` or a stall). */
  requested: boolean;
  runtimeMs: number;
  /** Frames this ffmpeg run produced. */
  frames: number;
}

export interface DecoderEvents {
  state: [DecoderStateChange];
  exit: [DecoderExit];
}

export interface DecoderStats {
  state: DecoderState;
  /** ffmpeg starts after the first one. */
  restarts: number;
  /** Frames handed to the frame handler. */
  frames: number;
  /** Frames read while the decoder was stopping, and not handed out. */
  framesDropped: number;
  /** Delivered frames whose first bytes were copied (a busy handler freed up as they arrived); the rest were read in place. */
  framesCopied: number;
  /** Bytes read from ffmpeg's stdout. */
  bytes: number;
  /** The latest failure cause seen on stderr, e.g. `Connection refused`. */
  lastErrorReason: string | undefined;
}

export interface FfmpegDecoderOptions {
  /** What to decode and how: input URL, output size, fps, pixel format, extra ffmpeg arguments. */
  decode: DecoderArgsOptions;
  logger: LogSink;
  /** Shown in logs, e.g. the camera name. */
  name?: string;
  onFrame?: FrameHandler;
  /**
   * Supplies the buffer (exactly `frameSize` bytes) each accepted frame is assembled in, e.g. the payload
   * slot of the message it will be published in; see `FrameSplitterOptions.allocate`. Default: frames are read
   * into one reused scratch buffer, valid only until the handler is done.
   */
  allocateFrame?: () => Uint8Array;
  /** Default `resolveFfmpegPath()` from `@shiriki/process`. */
  ffmpegPath?: string;
  /** Upper bound of the first restart delay. */
  initialBackoffMs?: number;
  /** Upper bound of any restart delay. */
  maxBackoffMs?: number;
  /** After frames have flowed this long, the backoff starts over at `initialBackoffMs`. */
  healthyAfterMs?: number;
  /** No frame for this long (including right after a start) counts as a stall; ffmpeg is restarted. */
  stallTimeoutMs?: number;
  /** How long ffmpeg gets to quit after `q` before SIGTERM. */
  quitGraceMs?: number;
  /** How long ffmpeg gets after SIGTERM before SIGKILL. */
  termGraceMs?: number;
  /** stderr lines logged per `stderrWindowMs`; the rest are counted and summarised. */
  stderrMaxLines?: number;
  stderrWindowMs?: number;
  /** Hides URL credentials in everything logged; default `redactText` from `@shiriki/telemetry`. */
  redact?: (text: string) => string;
  /** Uniform random in [0, 1) for the backoff jitter; default `Math.random`. */
  random?: () => number;
  /** Clock in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

export const DECODER_DEFAULTS = {
  name: 'ffmpeg',
  initialBackoffMs: 1000,
  maxBackoffMs: 10_000,
  healthyAfterMs: 10_000,
  stallTimeoutMs: 10_000,
  quitGraceMs: 2000,
  termGraceMs: 3000,
  stderrMaxLines: 20,
  stderrWindowMs: 10_000,
} as const satisfies Partial<FfmpegDecoderOptions>;
