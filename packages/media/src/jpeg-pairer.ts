/**
 * Pairs the two outputs of one ffmpeg, the gray motion images (stdout) and the JPEGs (fd 3), which carry the
 * same frames in the same order but arrive through two pipes, so either may run a few frames ahead. A frame is
 * delivered once both halves are in. Whichever half waits is held (a motion image is copied, since its read
 * buffer is reused); at most `maxAhead` (default 32) frames, beyond which the oldest waiting half is dropped as unmatched
 * (it cannot happen while ffmpeg works: both outputs see every frame).
 */
export class JpegPairer {
  readonly #motion: Uint8Array[] = [];
  readonly #pictures: Buffer[] = [];
  #unmatched = 0;

  readonly #maxAhead: number;
  readonly #onUnmatched: () => void;

  constructor(
    private readonly deliver: (motion: Uint8Array, jpeg: Buffer) => void,
    options: { maxAhead?: number; onUnmatched?: () => void } = {},
  ) {
    this.#maxAhead = options.maxAhead ?? 32;
    this.#onUnmatched = options.onUnmatched ?? (() => undefined);
  }

  /** Halves dropped without their other half. */
  get unmatched(): number {
    return this.#unmatched;
  }

  /** A motion image, valid only during the call. */
  motion(data: Uint8Array): void {
    const jpeg = this.#pictures.shift();
    if (jpeg) this.deliver(data, jpeg);
    else this.#hold(this.#motion, data.slice());
  }

  /** A JPEG, which the pairer (and then the receiver) owns. */
  picture(jpeg: Buffer): void {
    const motion = this.#motion.shift();
    if (motion) this.deliver(motion, jpeg);
    else this.#hold(this.#pictures, jpeg);
  }

  #hold<T>(queue: T[], item: T): void {
    queue.push(item);
    if (queue.length > this.#maxAhead) {
      queue.shift();
      this.#unmatched++;
      this.#onUnmatched();
    }
  }
}
