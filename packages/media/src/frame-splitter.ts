import { DecoderOptionsError } from './errors.js';

export interface FrameSplitterOptions {
  /** Bytes per frame, e.g. `frameSizeOf(w, h)`. */
  frameSize: number;
  /** Receives every accepted frame; see the ownership rule on `FrameSplitter`. */
  onFrame: (frame: Uint8Array) => void;
  /**
   * Asked once when a frame begins. Returning `false` skips that frame's bytes without copying them, which
   * is how a busy consumer sheds load. Default: accept every frame.
   */
  accept?: () => boolean;
  /** Called when the last byte of a skipped frame has gone by. */
  onSkip?: () => void;
}

/** How frames were handed out; a benchmark or test reads these to see how much copying happened. */
export interface FrameSplitterCounts {
  bytesIn: number;
  /** Frames handed out as a view into a stdout chunk (no copy). */
  framesViewed: number;
  /** Frames that spanned chunks and were assembled in the scratch buffer (one copy). */
  framesCopied: number;
  framesSkipped: number;
}

/**
 * Cuts a byte stream (ffmpeg's rawvideo stdout) into frames of exactly `frameSize` bytes.
 *
 * A frame that lies whole inside one chunk is handed out as a `subarray` view, no copy. A frame that spans
 * chunks is assembled in a single scratch buffer that is reused for the next spanning frame, so steady state
 * allocates nothing. Pipes deliver at most 64 KiB per read, so frames larger than that (anything above about
 * 200x200 in yuv420p) always take this path, and the one copy there is the minimum for a contiguous frame.
 *
 * Ownership rule: a frame is valid until the next frame is accepted. Consumers that keep a frame longer
 * must copy it (`frame.slice()`). That fits the hot consumer, which copies each frame it publishes into a
 * message of its own anyway (nats.js `publish` only queues a reference to the payload and copies it in a
 * later microtask, so a message buffer must not be reused), so handing out owned copies would only add one
 * allocation and garbage per frame (about 7 MB/s per 720p camera at 5 fps). A consumer that works
 * asynchronously holds the frame until its promise settles and relies on `accept` returning `false`
 * meanwhile, so the scratch buffer is not overwritten under it.
 */
export class FrameSplitter {
  readonly frameSize: number;
  readonly #onFrame: (frame: Uint8Array) => void;
  readonly #accept: () => boolean;
  readonly #onSkip: () => void;
  #scratch: Uint8Array | undefined;
  /** Bytes of the current frame seen so far; 0 at a frame boundary. */
  #filled = 0;
  /** Whether the current (partial) frame is being kept or skipped. */
  #keeping = false;
  readonly #counts: FrameSplitterCounts = { bytesIn: 0, framesViewed: 0, framesCopied: 0, framesSkipped: 0 };

  constructor(options: FrameSplitterOptions) {
    if (!Number.isInteger(options.frameSize) || options.frameSize <= 0) {
      throw new DecoderOptionsError('frameSize', options.frameSize, 'a positive integer');
    }
    this.frameSize = options.frameSize;
    this.#onFrame = options.onFrame;
    this.#accept = options.accept ?? (() => true);
    this.#onSkip = options.onSkip ?? (() => undefined);
  }

  get counts(): Readonly<FrameSplitterCounts> {
    return { ...this.#counts };
  }

  /** Bytes of an incomplete frame held back until more data arrives. */
  get pendingBytes(): number {
    return this.#filled;
  }

  /** Forgets a partial frame, e.g. when ffmpeg restarts and the new stream begins at a frame boundary. */
  reset(): void {
    this.#filled = 0;
  }

  push(chunk: Uint8Array): void {
    const size = this.frameSize;
    this.#counts.bytesIn += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#filled === 0) {
        this.#keeping = this.#accept();
        if (chunk.length - offset >= size) {
          const start = offset;
          offset += size;
          this.#finishWhole(chunk, start);
          continue;
        }
      }
      const take = Math.min(size - this.#filled, chunk.length - offset);
      if (this.#keeping) this.#scratchBuffer().set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === size) this.#finishAssembled();
    }
  }

  #finishWhole(chunk: Uint8Array, start: number): void {
    if (!this.#keeping) return this.#skipped();
    this.#counts.framesViewed++;
    this.#onFrame(chunk.subarray(start, start + this.frameSize));
  }

  #finishAssembled(): void {
    this.#filled = 0;
    if (!this.#keeping) return this.#skipped();
    this.#counts.framesCopied++;
    this.#onFrame(this.#scratchBuffer());
  }

  #skipped(): void {
    this.#counts.framesSkipped++;
    this.#onSkip();
  }

  #scratchBuffer(): Uint8Array {
    // Allocated on first use only: small frames that always arrive whole never need it.
    this.#scratch ??= new Uint8Array(this.frameSize);
    return this.#scratch;
  }
}
