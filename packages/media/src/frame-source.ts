import type { DecodedFrame, DecoderStateChange, DecoderStats } from './decoder-options.js';

/** Where a frame source delivers: the consumer's side of the seam. */
export interface FrameSink {
  /** One frame, read into a buffer from `allocateFrame`; called synchronously, in order. */
  onFrame(frame: DecodedFrame): void;
  /** The buffer the next frame is read into (exactly one frame of bytes); the consumer owns what it returns. */
  allocateFrame(): Uint8Array;
  /** The source started, streams, stalled, backs off or stopped. */
  onState(change: DecoderStateChange): void;
}

/**
 * A stream of raw frames with a lifecycle: ffmpeg decoding a camera (`FfmpegDecoder`) in production, a
 * recording played back in tests. Consumers take a {@link FrameSourceFactory} so their logic runs on
 * either.
 */
export interface FrameSource {
  start(): Promise<void>;
  /** Ends the stream; no frame is delivered once it resolves. */
  stop(): Promise<void>;
  readonly stats: Readonly<Pick<DecoderStats, 'framesDropped' | 'restarts'>>;
}

export type FrameSourceFactory = (sink: FrameSink) => FrameSource;
