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
   * Supplies the buffer each accepted frame is assembled in, asked once when the frame begins; it must be
   * exactly `frameSize` bytes (a view into a larger buffer is fine, e.g. the payload slot of a message).
   * With it, every accepted frame is copied once into that buffer (or read straight into it in place), and
   * handed out as exactly the object returned; the splitter never writes to it again, so the consumer owns it and may hand the same buffer
   * back for the next frame once it is done with it. Default: frames inside one chunk are views into the
   * chunk, frames spanning chunks are assembled in one reused scratch buffer (see `FrameSplitter`).
   */
  allocate?: () => Uint8Array;
}

/** How frames were handed out; a benchmark or test reads these to see how much copying happened. */
export interface FrameSplitterCounts {
  bytesIn: number;
  /** Frames handed out as a view into a stdout chunk (no copy). */
  framesViewed: number;
  /** Frames assembled in the scratch buffer or an `allocate`d buffer (one copy). */
  framesCopied: number;
  /** Frames read straight into their buffer through `readBuffer` and `wrote` (no copy). */
  framesInPlace: number;
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
 * Ownership rule (without `allocate`): a frame is valid until the next frame is accepted. Consumers that keep
 * a frame longer must copy it (`frame.slice()`). A consumer that works asynchronously holds the frame until
 * its promise settles and relies on `accept` returning `false` meanwhile, so the scratch buffer is not
 * overwritten under it.
 *
 * With `allocate` the consumer owns every frame: the hot consumer publishes frames as NATS messages, and
 * nats.js `publish` only queues a reference to the payload and copies it in a later microtask (or after a
 * reconnect), so each published message needs a buffer of its own. Assembling the frame straight into that
 * message's payload slot saves the copy through the scratch buffer (345,600 bytes per 640x360 frame), and
 * a frame that is not published leaves its buffer to the consumer to hand back for the next one.
 *
 * Reads that land in place (`readBuffer` and `wrote`, for `openStdoutSocket`) skip even that copy: each
 * read fills the rest of the current frame's buffer, so no chunk exists and a frame is never split across
 * one. The same rules hold: `accept` decides when a frame begins, skipped frames are read into a small
 * reused buffer, and the ownership rule above applies to the scratch or `allocate`d buffer alike.
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
    framesViewed: 0,
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
   * an asynchronous consumer whose promise settled meanwhile still gets the frame, as with `push` (those
   * first bytes are then copied; the frame counts as copied).
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

  push(chunk: Uint8Array): void {
    const size = this.frameSize;
    this.#counts.bytesIn += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#filled === 0) {
        this.#keeping = this.#accept();
        if (this.#keeping && this.#allocate) this.#target = this.#allocated();
        else if (chunk.length - offset >= size) {
          const start = offset;
          offset += size;
          this.#finishWhole(chunk, start);
          continue;
        } else if (this.#keeping) this.#target = this.#scratchBuffer();
      }
      const take = Math.min(size - this.#filled, chunk.length - offset);
      if (this.#keeping) this.#target!.set(chunk.subarray(offset, offset + take), this.#filled);
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
    const frame = this.#target!;
    this.#target = undefined;
    this.#onFrame(frame);
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
