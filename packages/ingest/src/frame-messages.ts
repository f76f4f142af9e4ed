import { encodeFrameHeaderInto, frameHeaderSize, frameMessageSize, type FrameHeader } from '@shiriki/bus';

export interface FrameMessagesOptions {
  /** Bytes of one frame's pixels. */
  frameSize: number;
  /** A header of the camera's frames without motion boxes: the fixed part of every header's size. */
  sampleHeader: FrameHeader;
  /** Motion boxes a header may carry and still be written in front of the pixels. Default 64. */
  reservedBoxes?: number;
}

export const FRAME_MESSAGES_DEFAULTS = { reservedBoxes: 64 } as const;

/**
 * Message buffers for one camera's frames, so a published frame's pixels are never copied: the decoder
 * reads ffmpeg's output straight into the pixel slot `payload()` hands it, a buffer with room for a header
 * in front, and `message()` writes the header right before the pixels.
 *
 * Every published message needs a buffer of its own: nats.js `publish` only queues a reference to the
 * payload and copies it into its outbound buffer in a later microtask (or after a reconnect), so a reused
 * buffer could be overwritten before it is sent. A frame that is not published keeps its buffer for the
 * next frame. Buffers are allocated uninitialised (no zero-fill of ~350 KB per frame); only the header
 * and the pixels, which cover every byte of the published view, reach the bus.
 */
export class FrameMessages {
  readonly frameSize: number;
  /** Bytes in front of the pixels: the largest header that is written in place. */
  readonly headerRoom: number;
  #spare: { buffer: Buffer; payload: Uint8Array } | undefined;

  constructor(options: FrameMessagesOptions) {
    const boxes = options.reservedBoxes ?? FRAME_MESSAGES_DEFAULTS.reservedBoxes;
    this.frameSize = options.frameSize;
    this.headerRoom = frameHeaderSize({ ...options.sampleHeader, motionBoxes: [] }) + 8 * boxes;
  }

  /** The pixel slot the next frame is decoded into; the same one again until a frame is published. */
  payload(): Uint8Array {
    if (!this.#spare) {
      const buffer = Buffer.allocUnsafeSlow(this.headerRoom + this.frameSize);
      this.#spare = { buffer, payload: buffer.subarray(this.headerRoom) };
    }
    return this.#spare.payload;
  }

  /**
   * The message for `header` and `pixels`: when `pixels` is the current slot and the header fits in front
   * of it, a view of that buffer (which then belongs to the caller, and the next `payload()` is a new one);
   * otherwise a new buffer with a copy. Throws `FrameEncodeError` for an invalid header, `RangeError` when
   * `pixels` does not fit it.
   */
  message(header: FrameHeader, pixels: Uint8Array): Uint8Array {
    const spare = this.#spare;
    if (spare !== undefined && pixels === spare.payload) {
      const headerSize = frameHeaderSize(header);
      if (headerSize <= this.headerRoom) {
        const start = this.headerRoom - headerSize;
        const message = spare.buffer.subarray(start);
        if (frameMessageSize(header) !== message.byteLength) throw sizeMismatch(pixels, message, headerSize);
        encodeFrameHeaderInto(spare.buffer, header, start);
        this.#spare = undefined;
        return message;
      }
    }
    return copiedMessage(header, pixels);
  }
}

function copiedMessage(header: FrameHeader, pixels: Uint8Array): Uint8Array {
  const message = Buffer.allocUnsafe(frameMessageSize(header));
  const written = encodeFrameHeaderInto(message, header);
  // Header and pixels must cover the whole buffer: uninitialised memory never reaches the bus.
  if (written + pixels.byteLength !== message.byteLength) throw sizeMismatch(pixels, message, written);
  message.set(pixels, written);
  return message;
}

function sizeMismatch(pixels: Uint8Array, message: Uint8Array, headerSize: number): RangeError {
  return new RangeError(
    `frame has ${pixels.byteLength} bytes, the message needs ${message.byteLength - headerSize}`,
  );
}
