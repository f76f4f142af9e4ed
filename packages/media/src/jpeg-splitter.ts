/** The byte stream is not a sequence of JPEGs; the splitter has skipped to the next start-of-image marker. */
export class JpegStreamError extends Error {
  override readonly name = 'JpegStreamError';
}

export interface JpegSplitterOptions {
  /** Receives each complete JPEG (SOI to EOI) in a buffer of its own, which the receiver owns. */
  onImage: (jpeg: Buffer) => void;
  /** Bytes that were not part of a JPEG were skipped (a damaged stream). */
  onGarbage?: (error: JpegStreamError) => void;
  /** A single image larger than this is dropped as garbage. Default 16 MiB. */
  maxImageBytes?: number;
}

type State = 'soi' | 'marker' | 'entropy';

/**
 * Cuts a stream of concatenated JPEGs (ffmpeg's `image2pipe` of `mjpeg`) into images by walking the JPEG
 * structure, not by searching for `FF D9`: the segments before the scan are skipped by their lengths (a
 * quantisation table may contain any bytes), and inside the entropy-coded data every `FF` is followed by
 * `00` (a stuffed byte), `D0`-`D7` (a restart marker) or a real marker, so the first `FF D9` there ends the
 * image. Chunks may split an image anywhere, markers included.
 */
export class JpegSplitter {
  readonly #onImage: (jpeg: Buffer) => void;
  readonly #onGarbage: (error: JpegStreamError) => void;
  readonly #maxImageBytes: number;
  /** Bytes of the image being assembled (and of a marker cut by a chunk boundary). */
  #buffer = Buffer.alloc(64 * 1024);
  #length = 0;
  /** Where parsing continues inside `#buffer`. */
  #at = 0;
  #state: State = 'soi';
  #images = 0;
  /** Bytes skipped since the last good image start, and why the skipping began; reported at the next one. */
  #skipped = 0;
  #skipReason = '';

  constructor(options: JpegSplitterOptions) {
    this.#onImage = options.onImage;
    this.#onGarbage = options.onGarbage ?? (() => undefined);
    this.#maxImageBytes = options.maxImageBytes ?? 16 * 1024 * 1024;
  }

  /** Images completed so far. */
  get images(): number {
    return this.#images;
  }

  /** Bytes held for an image not complete yet. */
  get pendingBytes(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    this.#append(chunk);
    this.#parse();
  }

  /** Forgets a partial image, e.g. when the ffmpeg that wrote it exited. */
  reset(): void {
    this.#length = 0;
    this.#at = 0;
    this.#state = 'soi';
  }

  #append(chunk: Uint8Array): void {
    const need = this.#length + chunk.byteLength;
    if (need > this.#buffer.byteLength) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#buffer.byteLength * 2));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#length);
    this.#length = need;
  }

  #parse(): void {
    const b = this.#buffer;
    for (;;) {
      if (this.#state === 'soi') {
        if (this.#length - this.#at < 2) return;
        if (b[this.#at] !== 0xff || b[this.#at + 1] !== 0xd8) {
          this.#skipToNextImage('the stream does not start a JPEG here');
          continue;
        }
        this.#reportSkipped();
        this.#at += 2;
        this.#state = 'marker';
      } else if (this.#state === 'marker') {
        // Fill bytes (FF FF ...) may precede a marker.
        while (this.#at + 1 < this.#length && b[this.#at] === 0xff && b[this.#at + 1] === 0xff) this.#at++;
        if (this.#length - this.#at < 2) return;
        if (b[this.#at] !== 0xff) {
          this.#skipToNextImage(`expected a marker at byte ${this.#at} of an image`);
          continue;
        }
        const marker = b[this.#at + 1]!;
        if (marker === 0xd9) {
          this.#emit(this.#at + 2);
          continue;
        }
        if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
          this.#at += 2;
          continue;
        }
        if (this.#length - this.#at < 4) return;
        const segment = (b[this.#at + 2]! << 8) | b[this.#at + 3]!;
        if (segment < 2) {
          this.#skipToNextImage(`segment length ${segment} at byte ${this.#at}`);
          continue;
        }
        if (this.#length - this.#at < 2 + segment) {
          if (2 + segment > this.#maxImageBytes) this.#skipToNextImage('segment larger than an image may be');
          return;
        }
        this.#at += 2 + segment;
        if (marker === 0xda) this.#state = 'entropy';
      } else {
        const ff = b.subarray(0, this.#length).indexOf(0xff, this.#at);
        if (ff < 0 || ff === this.#length - 1) {
          // Keep a trailing FF: its marker byte comes with the next chunk.
          this.#at = ff < 0 ? this.#length : ff;
          if (this.#length > this.#maxImageBytes) this.#skipToNextImage('image larger than allowed');
          return;
        }
        const next = b[ff + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          this.#at = ff + 2;
        } else if (next === 0xff) {
          this.#at = ff + 1;
        } else if (next === 0xd9) {
          this.#emit(ff + 2);
        } else {
          // Another segment after the scan (e.g. the next scan of a progressive JPEG).
          this.#at = ff;
          this.#state = 'marker';
        }
      }
    }
  }

  #emit(end: number): void {
    const image = Buffer.allocUnsafe(end);
    this.#buffer.copy(image, 0, 0, end);
    this.#drop(end);
    this.#images++;
    this.#onImage(image);
  }

  /**
   * Drops the bytes before the next `FF D8` after the current image's start, or all but a trailing FF. One run
   * of garbage, however many chunks it spans, is reported once, when the next image starts.
   */
  #skipToNextImage(reason: string): void {
    const b = this.#buffer.subarray(0, this.#length);
    let next = b.indexOf(Buffer.from([0xff, 0xd8]), 1);
    if (next < 0) next = this.#length > 0 && b[this.#length - 1] === 0xff ? this.#length - 1 : this.#length;
    if (this.#skipped === 0) this.#skipReason = reason;
    this.#skipped += next;
    this.#drop(next);
  }

  #reportSkipped(): void {
    if (this.#skipped === 0) return;
    this.#onGarbage(new JpegStreamError(`${this.#skipReason}; skipped ${this.#skipped} bytes`));
    this.#skipped = 0;
  }

  #drop(count: number): void {
    this.#buffer.copy(this.#buffer, 0, count, this.#length);
    this.#length -= count;
    this.#at = 0;
    this.#state = 'soi';
  }
}
