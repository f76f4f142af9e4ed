export {
  clipCutArgs,
  decoderArgs,
  frameSizeOf,
  isRtspUrl,
  rateSelectFilter,
  segmenterArgs,
  DECODER_ARGS_DEFAULTS,
  JPEG_OUTPUT_FD,
} from './ffmpeg-args.js';
export type {
  ClipCutArgsOptions,
  DecoderArgsOptions,
  JpegOutputOptions,
  PixelFormat,
  RtspTransport,
  SegmenterArgsOptions,
} from './ffmpeg-args.js';
export { ffmpegVersion, parseFfmpegVersion } from './ffmpeg-version.js';
export type { FfmpegVersion } from './ffmpeg-version.js';
export { FrameSplitter } from './frame-splitter.js';
export { JpegSplitter, JpegStreamError } from './jpeg-splitter.js';
export type { JpegSplitterOptions } from './jpeg-splitter.js';
export type { FrameSplitterOptions, FrameSplitterCounts } from './frame-splitter.js';
export { Backoff, backoffDelayMs } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { LineSplitter, parseStderrReason } from './stderr.js';
export { FfmpegDecoder } from './ffmpeg-decoder.js';
export { DECODER_DEFAULTS } from './decoder-options.js';
export type {
  DecodedFrame,
  DecoderEvents,
  DecoderExit,
  DecoderState,
  DecoderStateChange,
  DecoderStats,
  FfmpegDecoderOptions,
  FrameHandler,
} from './decoder-options.js';
export { DecoderOptionsError, FfmpegExitedError, StdoutSocketError, StreamStalledError } from './errors.js';
export type { FrameSink, FrameSource, FrameSourceFactory } from './frame-source.js';
