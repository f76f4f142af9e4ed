import { DecoderOptionsError } from './errors.js';

/** Bytes of a skipped frame read at a time in place; skipped frames are rare, so a small buffer will do. */
const SKIP_READ_BYTES = 64 * 1024;

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
  /**
   * Supplies the buffer each accepted frame is read into, asked once when the frame begins; it must be
   * exactly `frameSize` bytes (a view into a larger buffer is fine, e.g. the payload slot of a message). The
   * frame is handed out as exactly the object returned and never written again, so the consumer owns it and
   * may hand the same buffer back for the next frame once done. Default: one reused scratch buffer.
   */
  allocate?: () => Uint8Array;
}

/** How frames were handed out; a benchmark or test reads these to see how much copying happened. */
export interface FrameSplitterCounts {
  bytesIn: number;
  /** Frames whose first bytes were read into the skip buffer before they were accepted (one copy of those). */
  framesCopied: number;
  /** Frames read straight into their buffer through `readBuffer` and `wrote` (no copy). */
  framesInPlace: number;
  framesSkipped: number;
}

/**
 * Cuts a byte stream (ffmpeg's rawvideo stdout, read in place through `openStdoutSocket`) into frames of
 * exactly `frameSize` bytes. Each read fills the rest of the current frame's buffer (`readBuffer`, then
 * `wrote`), so no chunk is allocated and no byte is copied.
 *
 * `accept` decides when a frame begins: a refused frame is read into a small reused skip buffer, so a busy
 * consumer sheds load without copying.
 *
 * Ownership rule (without `allocate`): a frame lives in one scratch buffer, valid until the next frame is
 * accepted; consumers that keep a frame longer copy it. A consumer that works asynchronously holds the frame
 * until its promise settles and relies on `accept` returning `false` meanwhile.
 *
 * With `allocate` the consumer owns every frame: ingest publishes frames as NATS messages, and nats.js
 * `publish` only queues a reference to the payload, so each published message needs a buffer of its own;
 * reading the frame straight into that message's payload slot saves a copy of 345,600 bytes per 640x360 frame.
 */
export class FrameSplitter {
  readonly frameSize: number;
  readonly #onFrame: (frame: Uint8Array) => void;
  readonly #accept: () => boolean;
  readonly #onSkip: () => void;
  readonly #allocate: (() => Uint8Array) | undefined;
  #scratch: Uint8Array | undefined;
  /** Where the current frame is assembled: the scratch buffer or the consumer's `allocate`d buffer. */
  #target: Uint8Array | undefined;
  /** Bytes of the current frame seen so far; 0 at a frame boundary. */
  #filled = 0;
  /** Whether the current (partial) frame is being kept or skipped. */
  #keeping = false;
  /** In-place reads: the pending read holds a frame's first bytes, taken before `accept` said yes. */
  #probing = false;
  /** In-place reads: the current frame's first bytes were copied out of the skip buffer. */
  #headCopied = false;
  #skipBuffer: Uint8Array | undefined;
  readonly #counts: FrameSplitterCounts = {
    bytesIn: 0,
    framesCopied: 0,
    framesInPlace: 0,
    framesSkipped: 0,
  };

  constructor(options: FrameSplitterOptions) {
    if (!Number.isInteger(options.frameSize) || options.frameSize <= 0) {
      throw new DecoderOptionsError('frameSize', options.frameSize, 'a positive integer');
    }
    this.frameSize = options.frameSize;
    this.#onFrame = options.onFrame;
    this.#accept = options.accept ?? (() => true);
    this.#onSkip = options.onSkip ?? (() => undefined);
    this.#allocate = options.allocate;
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
    this.#target = undefined;
    this.#probing = false;
    this.#headCopied = false;
  }

  /**
   * Where the next in-place read lands: the rest of the current frame's buffer, or of the skip buffer for a
   * skipped frame; never empty, and the same until `wrote` is called. When a frame begins while `accept`
   * says no, its first bytes go to the skip buffer and `accept` is asked again once they have arrived, so
   * an asynchronous consumer whose promise settled meanwhile still gets the frame (those first bytes are then
   * copied; the frame counts as copied).
   */
  readBuffer(): Uint8Array {
    if (this.#filled === 0 && this.#target === undefined && !this.#probing) {
      this.#keeping = this.#accept();
      if (this.#keeping) this.#target = this.#frameBuffer();
      else this.#probing = true;
    }
    if (this.#keeping) return this.#target!.subarray(this.#filled);
    const skip = (this.#skipBuffer ??= new Uint8Array(Math.min(this.frameSize, SKIP_READ_BYTES)));
    return skip.subarray(0, Math.min(skip.byteLength, this.frameSize - this.#filled));
  }

  /** `nread` bytes have landed at the start of the last `readBuffer()`; hands out the frame they complete. */
  wrote(nread: number): void {
    if (!Number.isInteger(nread) || nread <= 0 || this.#filled + nread > this.frameSize) {
      throw new RangeError(`read of ${nread} bytes with ${this.frameSize - this.#filled} left in the frame`);
    }
    this.#counts.bytesIn += nread;
    if (this.#probing) this.#decideAfterProbe(nread);
    this.#filled += nread;
    if (this.#filled < this.frameSize) return;
    this.#filled = 0;
    const frame = this.#target;
    this.#target = undefined;
    if (!this.#keeping) return this.#skipped();
    if (this.#headCopied) this.#counts.framesCopied++;
    else this.#counts.framesInPlace++;
    this.#headCopied = false;
    this.#onFrame(frame!);
  }

  #skipped(): void {
    this.#counts.framesSkipped++;
    this.#onSkip();
  }

  #decideAfterProbe(nread: number): void {
    this.#probing = false;
    this.#keeping = this.#accept();
    if (!this.#keeping) return;
    this.#target = this.#frameBuffer();
    this.#target.set(this.#skipBuffer!.subarray(0, nread));
    this.#headCopied = true;
  }

  #frameBuffer(): Uint8Array {
    return this.#allocate ? this.#allocated() : this.#scratchBuffer();
  }

  #allocated(): Uint8Array {
    const buffer = this.#allocate!();
    if (buffer.byteLength !== this.frameSize) {
      throw new RangeError(`allocate returned ${buffer.byteLength} bytes, a frame has ${this.frameSize}`);
    }
    return buffer;
  }

  #scratchBuffer(): Uint8Array {
    // Allocated on first use only: small frames that always arrive whole never need it.
    this.#scratch ??= new Uint8Array(this.frameSize);
    return this.#scratch;
  }
}
